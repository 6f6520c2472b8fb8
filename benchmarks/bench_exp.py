"""What would a faster exp buy the trainer? Ratios measured in one run.

    python benchmarks/bench_exp.py [--repeats 3]

After the three matrix products, np.exp on the m x V logits is the largest part of
a training step (see bench_trainer.py's step budget). This script compiles, with
gcc, a two-line C loop over glibc's expf in two ways: plainly (one number at a
time) and with AVX2 and -ffast-math, where gcc calls glibc's vector expf (libmvec,
8 floats at a time). It prints:

1. the time per number of np.exp and of both loops, on 256 x 5000 float32 logits,
   and their error against a float64 exp;
2. trainer / roofline (as in bench_trainer.py) with np.exp, and with the vector
   loop put in its place, interleaved.

Nothing here is used by cbow_helpers, which is numpy only: this measures an option.
Needs gcc, glibc's libmvec and an x86-64 CPU with AVX2.
"""

from __future__ import annotations

import argparse
import ctypes
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_trainer import roofline_examples_per_second, trainer_examples_per_second

from cbow_helpers import tokenize_shakespeare
from cbow_helpers.engine import fast_cbow

C_SOURCE = """
#include <math.h>
#include <stddef.h>
void exp_in_place(float *restrict x, size_t n) { for (size_t i = 0; i < n; i++) x[i] = expf(x[i]); }
"""


def compile_loops(folder: Path) -> dict[str, ctypes.CDLL]:
    """The C loop built twice: one expf at a time, and vectorised over libmvec."""
    source = folder / "exp.c"
    source.write_text(C_SOURCE)

    def run(*cmd: str) -> None:
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    run(
        "gcc",
        "-O2",
        "-fno-tree-vectorize",
        "-fPIC",
        "-shared",
        str(source),
        "-o",
        str(folder / "scalar.so"),
        "-lm",
    )
    # -ffast-math only when compiling: linking with it would add crtfastmath, which sets
    # flush-to-zero for the whole Python process.
    run(
        "gcc",
        "-O3",
        "-mavx2",
        "-mfma",
        "-ffast-math",
        "-fPIC",
        "-c",
        str(source),
        "-o",
        str(folder / "vector.o"),
    )
    run(
        "gcc", "-shared", str(folder / "vector.o"), "-o", str(folder / "vector.so"), "-lmvec", "-lm"
    )
    if b"_ZGVdN8v_expf" not in (folder / "vector.so").read_bytes():
        raise RuntimeError("gcc did not vectorise the loop over libmvec's expf")
    loops = {}
    for name in ("scalar", "vector"):
        lib = ctypes.CDLL(str(folder / f"{name}.so"))  # CDLL releases the GIL during the call
        lib.exp_in_place.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
        lib.exp_in_place.restype = None
        loops[name] = lib
    return loops


def as_exp(lib: ctypes.CDLL):
    """An ``np.exp(a, out=a)`` for C-contiguous float32 arrays, running the C loop."""

    def exp(a, out=None):
        if out is not a or a.dtype != np.float32 or not a.flags.c_contiguous:
            raise ValueError("this exp works in place on C-contiguous float32 arrays only")
        lib.exp_in_place(a.ctypes.data, a.size)
        return a

    return exp


class _NumpyWith:
    """numpy, but with ``exp`` replaced: put in place of fast_cbow's ``np``."""

    def __init__(self, exp):
        self.exp = exp

    def __getattr__(self, name):
        return getattr(np, name)


def ns_per_number(exp, logits: np.ndarray, repeats: int = 20) -> float:
    work = np.empty_like(logits)
    best = float("inf")
    for _ in range(repeats):
        np.copyto(work, logits)
        start = time.perf_counter()
        exp(work, out=work)
        best = min(best, time.perf_counter() - start)
    return best / logits.size * 1e9


def max_relative_error(exp, logits: np.ndarray) -> float:
    work = logits.copy()
    exp(work, out=work)
    exact = np.exp(logits.astype(np.float64))
    return float(np.max(np.abs(work - exact) / exact))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    if shutil.which("gcc") is None:
        sys.exit("error: this benchmark compiles a C loop and needs gcc on the PATH")
    if "avx2" not in Path("/proc/cpuinfo").read_text():
        sys.exit("error: this benchmark needs an x86-64 CPU with AVX2")

    with tempfile.TemporaryDirectory() as folder:
        try:
            loops = compile_loops(Path(folder))
        except (subprocess.CalledProcessError, RuntimeError) as error:
            sys.exit(f"error: could not build the C loops: {getattr(error, 'stderr', '') or error}")
        exps = {
            "np.exp": np.exp,
            "glibc expf, one at a time": as_exp(loops["scalar"]),
            "glibc vector expf (libmvec)": as_exp(loops["vector"]),
        }
        rng = np.random.default_rng(0)
        logits = rng.normal(0.0, 3.0, size=(256, 5000)).astype(np.float32)
        print("exp on 256 x 5000 float32 logits (best of 20; error against a float64 exp):")
        speed = {}
        for name, exp in exps.items():
            speed[name] = ns_per_number(exp, logits)
            print(
                f"  {name:<28} {speed[name]:5.2f} ns per number   max relative error {max_relative_error(exp, logits):.1e}"
            )
        print(
            f"  np.exp / vector expf = {speed['np.exp'] / speed['glibc vector expf (libmvec)']:.1f}x the time"
        )

        tokens = list(tokenize_shakespeare())[:150_000]
        ratios = {"np.exp": [], "vector expf": []}
        for _ in range(args.repeats):
            for name, exp in (
                ("np.exp", np.exp),
                ("vector expf", exps["glibc vector expf (libmvec)"]),
            ):
                roof = roofline_examples_per_second()
                fast_cbow.np = _NumpyWith(exp)
                try:
                    ours = trainer_examples_per_second(tokens)
                finally:
                    fast_cbow.np = np
                ratios[name].append(ours / roof)
        print("trainer / roofline, each run against the roofline measured just before it:")
        for name, values in ratios.items():
            print(
                f"  with {name:<12} best {max(values):.2f}   (runs: {', '.join(f'{v:.2f}' for v in values)})"
            )


if __name__ == "__main__":
    main()
