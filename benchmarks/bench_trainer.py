"""How fast is train_cbow? Ratios measured in one run (absolute times on a shared machine are noise).

    python benchmarks/bench_trainer.py [--tokens 150000] [--repeats 3]

On the same first 150k Shakespeare tokens, V=5000, N=100, C=2, m=512, it prints:

1. roofline ratio: the trainer's examples/s divided by the examples/s of the three
   float32 matrix products a step needs (logits, dJ/dW2, dJ/dh), timed alone with
   the same shapes and the same BLAS threads. Goal: >= 0.70.
2. speed-up over the notes' code: the trainer's examples/s divided by the course
   functions run one example at a time, as the notes do (one-hot vectors built per
   word and averaged with np.mean, float64). Goal: >= 40x.

The measurements are interleaved (roofline, trainer, roofline, ...) and the best of
the repeats is kept for each, so a burst of load on the machine hurts both alike.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from cbow_helpers import (
    back_prop,
    context_words_to_vector,
    forward_prop,
    get_windows,
    initialize_model,
    softmax,
    tokenize_shakespeare,
    train_cbow,
    word_to_one_hot_vector,
)
from cbow_helpers.trainer import build_vocabulary

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


def trainer_examples_per_second(tokens) -> float:
    result = train_cbow(tokens, N=N, C=C, vocab_size=V, batch_size=M, epochs=1, learning_rate=1.0, progress=False)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=150_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tokens = list(tokenize_shakespeare())[: args.tokens]
    roof, ours = [], []
    for _ in range(args.repeats):
        roof.append(roofline_examples_per_second())
        ours.append(trainer_examples_per_second(tokens))
    notes = notes_examples_per_second(tokens)
    best_roof, best_ours = max(roof), max(ours)
    print(f"shapes: V={V} N={N} C={C} m={M}, {len(tokens):,} tokens, {args.repeats} repeats (best of each)")
    print(f"trainer      {best_ours:12,.0f} examples/s   (runs: {', '.join(f'{r:,.0f}' for r in ours)})")
    print(f"roofline     {best_roof:12,.0f} examples/s   (runs: {', '.join(f'{r:,.0f}' for r in roof)})")
    print(f"notes' code  {notes:12,.0f} examples/s")
    print(f"trainer / roofline     = {best_ours / best_roof:.2f}   (goal >= 0.70)")
    pairs = ", ".join(f"{o / r:.2f}" for o, r in zip(ours, roof))
    print(f"  each run / the roofline measured just before it: {pairs}")
    print(f"trainer / notes' code  = {best_ours / notes:.0f}x   (goal >= 40x)")


if __name__ == "__main__":
    main()
