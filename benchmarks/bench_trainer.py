"""How fast is train_cbow? Ratios measured in one run (absolute times on a shared machine are noise).

    python benchmarks/bench_trainer.py [--tokens 150000] [--repeats 3]

On the same first 150k Shakespeare tokens, V=5000, N=100, C=2, m=512, it prints:

1. roofline ratio: the trainer's examples/s divided by the examples/s of the three
   float32 matrix products a step needs (logits, dJ/dW2, dJ/dh), timed alone with
   the same shapes and the same BLAS threads. Goal: >= 0.70.
2. speed-up over the notes' code: the trainer's examples/s divided by the course
   functions run one example at a time, as the notes do (one-hot vectors built per
   word and averaged with np.mean, float64). Goal: >= 40x.
3. where a step's time goes: the trainer's step next to the same two-thread split
   doing only its three products, and only its three products and np.exp (one
   BLAS thread per worker, as in the trainer), interleaved.

With ``--against DIR`` (another checkout of this repository, e.g. a ``git worktree`` of
the commit before a change) it also times that checkout's ``train_cbow`` in turn with
this one's, on the same tokens, and prints this / that: a before-and-after ratio
measured in one run.

The measurements are interleaved (roofline, trainer, roofline, ...) and the best of
the repeats is kept for each, so a burst of load on the machine hurts both alike.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import importlib.util
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from cbow_helpers import (
    FastCBOW,
    back_prop,
    build_vocabulary,
    context_windows,
    context_words_to_vector,
    encode,
    forward_prop,
    get_windows,
    initialize_model,
    softmax,
    tokenize_shakespeare,
    train_cbow,
    word_to_one_hot_vector,
)

V, N, C, M = 5000, 100, 2, 512


def roofline_examples_per_second(seconds: float = 3.0) -> float:
    """Examples/s if a step were nothing but its three (m x N x V) float32 products."""
    rng = np.random.default_rng(0)
    H1 = rng.random((M, N + 1), dtype=np.float32)
    W2b = rng.random((V, N + 1), dtype=np.float32)
    Z = np.empty((M, V), dtype=np.float32)
    dH = np.empty((M, N), dtype=np.float32)
    gW2b = np.empty((V, N + 1), dtype=np.float32)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        np.matmul(H1, W2b.T, out=Z)
        np.matmul(Z, W2b[:, :N], out=dH)
        np.matmul(Z.T, H1, out=gW2b)
        steps += 1
    return steps * M / (time.perf_counter() - start)


def trainer_examples_per_second(tokens, train=train_cbow) -> float:
    result = train(
        tokens, N=N, C=C, vocab_size=V, batch_size=M, epochs=1, learning_rate=1.0, progress=False
    )
    return result.examples_per_second


def notes_examples_per_second(tokens, n_examples: int = 300) -> float:
    """The notes' way: one window at a time, dense one-hot vectors, float64, the course functions."""
    word2Ind, _ = build_vocabulary(tokens, V)
    unk = "<unk>"
    words = [t if t in word2Ind else unk for t in tokens[: n_examples + 2 * C]]
    W1, W2, b1, b2 = initialize_model(N, V, random_seed=1)
    start = time.perf_counter()
    count = 0
    for context_words, center_word in get_windows(words, C):
        x = context_words_to_vector(context_words, word2Ind, V).reshape(V, 1)
        y = word_to_one_hot_vector(center_word, word2Ind, V).reshape(V, 1)
        z, h = forward_prop(x, W1, W2, b1, b2)
        y_hat = softmax(z)
        grads = back_prop(x, y_hat, y, h, W1, W2, b1, b2, 1)
        W1, W2, b1, b2 = (w - 0.03 * g for w, g in zip((W1, W2, b1, b2), grads))
        count += 1
    return count / (time.perf_counter() - start)


def step_budget(tokens, rounds: int = 6, steps: int = 15) -> dict[str, float]:
    """Median ms per step of the trainer, and of its products alone, and with np.exp.

    The two products-only steps split the work as ``FastCBOW.step`` does (batch rows,
    then vocabulary rows, over two threads) and run the same products on the same
    shapes: logits (with np.exp in place for the second), [e @ W2 | sum(e)] and
    the W2 gradient.
    """
    word2Ind, _ = build_vocabulary(tokens, V)
    context, center = context_windows(encode(tokens, word2Ind), C)
    model = FastCBOW(*initialize_model(N, V, random_seed=1))
    rng = np.random.default_rng(0)
    H1 = rng.random((M, N + 2), dtype=np.float32) * 0.01
    W2x = model.W2x.copy()
    Z = np.empty((M, V), dtype=np.float32)
    E = np.empty((M, N + 1), dtype=np.float32)
    gW2x = np.empty((V, N + 2), dtype=np.float32)
    pool = concurrent.futures.ThreadPoolExecutor(1)

    def products_step(with_exp: bool) -> None:
        def rows(r):
            np.matmul(H1[r], W2x.T, out=Z[r])
            if with_exp:
                np.exp(Z[r], out=Z[r])
            np.matmul(Z[r], W2x[:, : N + 1], out=E[r])

        def vocab(v):
            np.matmul(Z[:, v].T, H1, out=gW2x[v])

        for fn, parts in (
            (rows, (slice(0, M // 2), slice(M // 2, M))),
            (vocab, (slice(0, V // 2), slice(V // 2, V))),
        ):
            future = pool.submit(fn, parts[1])
            fn(parts[0])
            future.result()

    cases = {
        "trainer step": lambda i: model.step(
            context[i * M : (i + 1) * M], center[i * M : (i + 1) * M], 0.1
        ),
        "products only": lambda i: products_step(False),
        "products + np.exp": lambda i: products_step(True),
    }
    times = {name: [] for name in cases}
    n_batches = len(center) // M
    with threadpool_limits(limits=1, user_api="blas"):
        for r in range(rounds):
            for name, run in cases.items():
                start = time.perf_counter()
                for s in range(steps):
                    run((r * steps + s) % n_batches)
                times[name].append((time.perf_counter() - start) / steps * 1e3)
    model.close()
    pool.shutdown()
    return {name: float(np.median(t)) for name, t in times.items()}


def other_checkout(path: str):
    """The ``cbow_helpers`` package of another checkout, imported under another name."""
    init = Path(path) / "cbow_helpers" / "__init__.py"
    if not init.is_file():
        raise SystemExit(f"--against: no cbow_helpers package in {path} (expected {init})")
    spec = importlib.util.spec_from_file_location(
        "cbow_helpers_against", init, submodule_search_locations=[str(init.parent)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def compare(tokens, other, repeats: int) -> None:
    """This checkout's train_cbow against the other's, in turn (who goes first alternates)."""
    runs = {"this": [], "that": []}
    trainers = {"this": train_cbow, "that": other.train_cbow}
    for r in range(repeats):
        for name in ("this", "that") if r % 2 == 0 else ("that", "this"):
            runs[name].append(trainer_examples_per_second(tokens, trainers[name]))
    pairs = ", ".join(f"{a / b:.3f}" for a, b in zip(runs["this"], runs["that"]))
    print(f"this checkout / {other.__file__.rsplit('/cbow_helpers/', 1)[0]}:")
    print(f"  best {max(runs['this']):,.0f} / {max(runs['that']):,.0f} examples/s")
    print(f"  = {max(runs['this']) / max(runs['that']):.3f}   (each pair: {pairs})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=150_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--against", metavar="DIR", help="another checkout: time its train_cbow in turn with ours"
    )
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    tokens = list(tokenize_shakespeare())[: args.tokens]
    if len(set(tokens)) < V:
        parser.error(
            f"--tokens {args.tokens} gives {len(set(tokens)):,} distinct words; the shapes need V={V} (try 150000)"
        )
    if args.against:
        compare(tokens, other_checkout(args.against), 2 * args.repeats)
    roof, ours = [], []
    for _ in range(args.repeats):
        roof.append(roofline_examples_per_second())
        ours.append(trainer_examples_per_second(tokens))
    notes = notes_examples_per_second(tokens)
    best_roof, best_ours = max(roof), max(ours)
    print(
        f"shapes: V={V} N={N} C={C} m={M}, {len(tokens):,} tokens, {args.repeats} repeats (best of each)"
    )
    print(
        f"trainer      {best_ours:12,.0f} examples/s   (runs: {', '.join(f'{r:,.0f}' for r in ours)})"
    )
    print(
        f"roofline     {best_roof:12,.0f} examples/s   (runs: {', '.join(f'{r:,.0f}' for r in roof)})"
    )
    print(f"notes' code  {notes:12,.0f} examples/s")
    print(f"trainer / roofline     = {best_ours / best_roof:.2f}   (goal >= 0.70)")
    pairs = ", ".join(f"{o / r:.2f}" for o, r in zip(ours, roof))
    print(f"  each run / the roofline measured just before it: {pairs}")
    print(f"trainer / notes' code  = {best_ours / notes:.0f}x   (goal >= 40x)")
    budget = step_budget(tokens)
    step = budget["trainer step"]
    print(
        "where a step's time goes (median ms per step; the trainer's two-thread split, 1 BLAS thread each):"
    )
    for name, ms in budget.items():
        print(f"  {name:<18} {ms:6.2f} ms   ({ms / step:4.0%} of the trainer's step)")


if __name__ == "__main__":
    main()
