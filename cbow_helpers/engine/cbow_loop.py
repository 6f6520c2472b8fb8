"""The loop of ``train_cbow``: epochs of shuffled batches through ``FastCBOW.step``, watched for divergence."""

from __future__ import annotations

import contextlib
import math
import time

import numpy as np
from threadpoolctl import threadpool_limits

from .training import (
    LOSS_WINDOW,
    DivergenceWatch,
    check_training_memory,
    progress_bar,
)


def check_memory(n_tokens, n_windows, V, N, C, m, total_steps) -> None:
    """NotEnoughMemoryError if ``train_cbow`` would need more memory than is available.

    The peak, in bytes: the weights (float64 from ``initialize_model`` while their float32
    copies are made, about 32 V N), a batch's logits and their exponentials (8 m V), the
    token ids, windows and their shuffled order (4 + (8C + 12) per window), and the losses
    (8 per step).
    """
    check_training_memory(
        {
            f"the weights (V={V:,} words x N={N:,}; use a smaller N)": 32.0 * V * N,
            f"a batch's scores (m={m:,} windows x V={V:,} words; use a smaller batch size)": 8.0
            * m
            * V,
            f"the {n_windows:,} windows (use a smaller corpus)": 4.0 * n_tokens
            + (8.0 * C + 12) * n_windows,
            f"the losses of {total_steps:,} steps (use fewer epochs)": 8.0 * total_steps,
        }
    )


def train_epochs(model, context, center, config, total_steps: int, progress: bool):
    """Train ``model`` (a ``FastCBOW``) on the windows ``context``, ``center`` as ``config`` says.

    Returns the loss of every step and the windows trained per second.
    """
    n_windows = len(center)
    rates = learning_rates(config, math.ceil(n_windows / config.batch_size) * config.epochs)
    rng = np.random.default_rng(config.seed)  # the order of the windows
    losses = np.empty(total_steps)
    watch = DivergenceWatch(config.learning_rate)
    bar = progress_bar(total_steps, progress, "batch", "training CBOW", max(1, total_steps // 40))
    start, step = time.perf_counter(), 0
    # One BLAS thread per worker: the step splits its matrix products between its worker
    # threads itself.
    blas_limit = (
        threadpool_limits(limits=1, user_api="blas")
        if model.workers > 1
        else contextlib.nullcontext()
    )
    try:
        with blas_limit, np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(config.epochs):
                if step == total_steps:  # max_steps reached: no more shuffles or weight checks
                    break
                epoch_start = step  # the messages count steps within each epoch
                order = rng.permutation(n_windows) if config.shuffle else np.arange(n_windows)
                batches = (
                    order[b : b + config.batch_size] for b in range(0, n_windows, config.batch_size)
                )
                for batch in batches:
                    if step == total_steps:
                        break
                    losses[step] = model.step(context[batch], center[batch], rates[step])
                    recent = losses[max(0, step + 1 - LOSS_WINDOW) : step + 1]
                    watch.batch(recent, step - epoch_start, epoch)
                    if not model.w2_norm_max < watch.weight_limit:
                        watch.weights(_largest(model), step - epoch_start, epoch)
                    step += 1
                    _show(bar, losses, step, config.batch_size, start)
                watch.weights(_largest(model), step - 1 - epoch_start, epoch)
    finally:
        bar.close()
        model.close()
    seconds = time.perf_counter() - start
    return losses, min(step * config.batch_size, n_windows * config.epochs) / max(seconds, 1e-9)


def learning_rates(config, full_run_steps: int) -> np.ndarray:
    """The step size of every step of a full run: falling linearly from ``learning_rate`` to ``min_learning_rate``.

    Step s of a run of S steps takes ``learning_rate - (learning_rate - min_learning_rate) * s / S``
    (word2vec's schedule), so the first steps are the same with or without ``max_steps``.
    ``min_learning_rate=None`` keeps ``learning_rate`` throughout.
    """
    final = config.learning_rate if config.min_learning_rate is None else config.min_learning_rate
    fraction = np.arange(full_run_steps) / full_run_steps
    return config.learning_rate - (config.learning_rate - final) * fraction


def _largest(model) -> dict[str, float]:
    return {
        "largest entry of W1": float(np.abs(model.W1T).max()),
        "longest row of W2": model.w2_norm_max,
    }


def _show(bar, losses, step: int, batch_size: int, start: float) -> None:
    """Advance the bar; every ``bar.miniters`` steps, and at the end, show the recent loss and speed."""
    if bar.disable:
        return
    if step % bar.miniters == 0 or step == bar.total:
        rate = step * batch_size / max(time.perf_counter() - start, 1e-9)
        recent = np.mean(losses[max(0, step - bar.miniters) : step])
        bar.set_postfix(loss=f"{recent:.3f}", ex_s=f"{rate:,.0f}", refresh=False)
    bar.update(1)
