"""Re-run the notebooks under other CPUs' floating-point kernels and compare every output.

Students run the course on Intel, AMD and Apple machines. OpenBLAS picks its matrix
kernels by CPU, and numpy picks its SIMD loops (exp, sums) by CPU; both change the last
bits of results. This script emulates other CPUs on this one, by setting, before numpy
loads (so in the environment of the kernels nbval starts):

- ``OPENBLAS_CORETYPE``: the OpenBLAS kernel set (Haswell = AVX2, Sandybridge = AVX,
  Nehalem = SSE4; SkylakeX = AVX-512, only where the CPU has it);
- ``NPY_DISABLE_CPU_FEATURES``: numpy's SIMD groups to switch off (``X86_V3`` is AVX2,
  ``X86_V4``/``AVX512_*`` are AVX-512). numpy held to SSE also gives the same bits as
  ARM's element-wise loops (measured in an ARM64 chroot under qemu).

Each backend runs ``pytest notebooks/`` at 1 and at 2 BLAS threads. Backends this CPU
cannot run are skipped and named. Sandybridge is not paired with numpy held to SSE:
that pairing is 20-300x slower under emulation on a newer core (AVX/SSE transitions),
an artefact no student's machine has.

Usage::

    python tools/maintainers/check_backends.py              # every backend, 1 and 2 threads
    python tools/maintainers/check_backends.py --quick      # one thread count only (1)
    python tools/maintainers/check_backends.py --list       # what would run, and what is skipped

Exit status 0 when every backend reproduced every saved output, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NO_AVX512 = "X86_V4 AVX512_ICL AVX512_SPR"
SSE_ONLY = "X86_V3 " + NO_AVX512

# (name, OPENBLAS_CORETYPE, NPY_DISABLE_CPU_FEATURES, CPU flags the kernels need)
BACKENDS = [
    ("native", None, None, ()),
    ("Haswell BLAS + numpy AVX2", "Haswell", NO_AVX512, ("avx2", "fma")),
    ("Haswell BLAS + numpy SSE (ARM-like loops)", "Haswell", SSE_ONLY, ("avx2", "fma")),
    ("Sandybridge BLAS + numpy AVX2", "Sandybridge", NO_AVX512, ("avx", "avx2")),
    ("Nehalem BLAS + numpy SSE", "Nehalem", SSE_ONLY, ("sse4_2",)),
    ("SkylakeX BLAS + numpy AVX-512", "SkylakeX", None, ("avx512f", "avx512bw", "avx512vl")),
]


def cpu_flags() -> set[str]:
    """The CPU's feature flags (Linux x86); empty where they cannot be read."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def plan(flags: set[str]):
    """The backends to run and the ones this CPU cannot run, with the reason."""
    run, skipped = [], []
    for name, coretype, disabled, needs in BACKENDS:
        missing = [f for f in needs if f not in flags]
        if missing:
            skipped.append((name, f"this CPU lacks {', '.join(missing)}"))
        else:
            run.append((name, coretype, disabled))
    return run, skipped


def run_backend(coretype, disabled, threads: int, paths: list[str]) -> tuple[bool, str, float]:
    env = dict(
        os.environ,
        OPENBLAS_NUM_THREADS=str(threads),
        OMP_NUM_THREADS=str(threads),
        PYTHONHASHSEED="0",
    )
    for key, value in (("OPENBLAS_CORETYPE", coretype), ("NPY_DISABLE_CPU_FEATURES", disabled)):
        if (
            value is not None
        ):  # None: as the machine has it (some machines set OPENBLAS_CORETYPE for a reason)
            env[key] = value
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--no-header", "-p", "no:cacheprovider", *paths],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    lines = [
        line
        for line in proc.stdout.splitlines()
        if line.startswith("FAILED") or " passed" in line or " failed" in line
    ]
    return (
        proc.returncode == 0,
        "\n".join(lines[-12:]) or proc.stdout[-2000:] + proc.stderr[-2000:],
        seconds,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="run at 1 BLAS thread only")
    parser.add_argument("--list", action="store_true", help="print the plan and exit")
    parser.add_argument(
        "paths",
        nargs="*",
        default=["notebooks", "instructors"],
        help="what pytest runs (default: the notebooks and the answers notebook)",
    )
    args = parser.parse_args(argv)

    run, skipped = plan(cpu_flags())
    for name, reason in skipped:
        print(f"skipped: {name} ({reason})")
    threads = (1,) if args.quick else (1, 2)
    if args.list:
        for name, coretype, disabled in run:
            print(
                f"would run: {name}: OPENBLAS_CORETYPE={coretype} NPY_DISABLE_CPU_FEATURES={disabled!r}, threads {threads}"
            )
        return 0
    failures = 0
    for name, coretype, disabled in run:
        for n in threads:
            ok, summary, seconds = run_backend(coretype, disabled, n, args.paths)
            status = "ok  " if ok else "FAIL"
            print(f"{status} {name}, {n} BLAS thread{'s' if n > 1 else ''} ({seconds:.0f} s)")
            if not ok:
                failures += 1
                print("     " + summary.replace("\n", "\n     "))
            sys.stdout.flush()
    total = len(run) * len(threads)
    print(f"{total - failures} of {total} backend runs reproduced every saved output")
    print(f"backends: {total - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
