"""Every pin of requirements.txt has a wheel on PyPI for each Python the package declares.

    python tools/maintainers/check_wheels.py                    # every declared Python x platform
    python tools/maintainers/check_wheels.py --python 3.13 --platform windows-x86_64

The declared Pythons are the minor versions that ``requires-python`` in pyproject.toml admits (from
3.8 to 3.20). For each of them and each platform below, the pins whose environment markers apply
there are handed to ``pip download --only-binary :all: --no-deps --python-version X.Y --platform
...``: a pin with no wheel for that Python and platform fails the check, as it would make a
student's pip compile it from source. The markers are evaluated here, for the target (pip itself
would evaluate them for the machine it runs on). pip runs ``--isolated`` (PyPI only, none of this
machine's pip settings); the wheels are kept in ``--dest`` (default: ~/.cache/cbow_helpers/wheels),
so a second run downloads only what changed. Each Python is checked with every pin on Linux
x86-64 first; on the other platforms only the pins that have no pure-Python wheel among those
(a ``py3-none-any`` wheel installs everywhere), in parallel. .ci/run runs it.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parents[2]


def manylinux(arch: str) -> list[str]:
    """glibc 2.17 (manylinux2014) to 2.28 (Debian 10, RHEL 8, Ubuntu 20.04 and every newer one)."""
    return [f"manylinux_2_{minor}_{arch}" for minor in range(28, 16, -1)] + [
        f"manylinux2014_{arch}"
    ]


# name: (pip's --platform tags, the environment markers see there)
PLATFORMS = {
    "linux-x86_64": (manylinux("x86_64"), ("linux", "Linux", "posix", "x86_64")),
    "linux-aarch64": (manylinux("aarch64"), ("linux", "Linux", "posix", "aarch64")),
    "macos-arm64": (["macosx_14_0_arm64"], ("darwin", "Darwin", "posix", "arm64")),
    "macos-x86_64": (["macosx_13_0_x86_64"], ("darwin", "Darwin", "posix", "x86_64")),
    "windows-x86_64": (["win_amd64"], ("win32", "Windows", "nt", "AMD64")),
}


def declared_pythons() -> list[str]:
    """The minor versions X.Y whose X.Y.0 satisfies pyproject's requires-python."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    allowed = SpecifierSet(project["requires-python"])
    return [f"3.{minor}" for minor in range(8, 21) if f"3.{minor}.0" in allowed]


def pins(path: Path) -> list[Requirement]:
    """The ``name==version ; marker`` lines of a compiled requirements file (not ``-e .``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Requirement(line) for line in lines if line.strip() and line[0] not in "#- "]


def applying(requirements: list[Requirement], python: str, platform: str) -> list[str]:
    """The pins whose markers hold for CPython ``python`` (its .0 release) on ``platform``."""
    sys_platform, system, os_name, machine = PLATFORMS[platform][1]
    environment = {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "sys_platform": sys_platform,
        "platform_system": system,
        "os_name": os_name,
        "platform_machine": machine,
    }
    return [
        f"{r.name}{r.specifier}"
        for r in requirements
        if r.marker is None or Marker(str(r.marker)).evaluate(environment)
    ]


def pure(dest: Path) -> set[str]:
    """The ``name==version`` pins that have a pure-Python wheel in ``dest``."""
    found = set()
    for wheel in dest.glob("*.whl"):
        name, version, _, tags = parse_wheel_filename(wheel.name)
        if all(tag.abi == "none" and tag.platform == "any" for tag in tags):
            found.add(f"{canonicalize_name(name)}=={version}")
    return found


def download(lines: list[str], python: str, platform: str, dest: Path) -> tuple[bool, str]:
    """pip download's verdict on these pins: (every one has a wheel, pip's error lines)."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(lines) + "\n")
    platform_args = [arg for tag in PLATFORMS[platform][0] for arg in ("--platform", tag)]
    command = [sys.executable, "-m", "pip", "download", "--isolated", "--quiet"]
    command += ["--disable-pip-version-check", "--only-binary", ":all:", "--no-deps"]
    command += ["--python-version", python, *platform_args, "-d", str(dest), "-r", listing.name]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    finally:
        os.unlink(listing.name)
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    return done.returncode == 0, "\n".join(errors[-2:]) or done.stderr.strip()[-500:]


def canonical(pin: str) -> str:
    name, version = pin.split("==")
    return f"{canonicalize_name(name)}=={version}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements.txt")
    parser.add_argument("--python", action="append", help="X.Y (default: every declared one)")
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS))
    parser.add_argument("--dest", type=Path, default=Path.home() / ".cache/cbow_helpers/wheels")
    args = parser.parse_args(argv)
    requirements = pins(args.requirements)
    args.dest.mkdir(parents=True, exist_ok=True)
    pythons = args.python or declared_pythons()
    first, *others = args.platform or list(PLATFORMS)
    firsts = [(python, first) for python in pythons]
    rest = [(python, platform) for python in pythons for platform in others]
    lists = {target: applying(requirements, *target) for target in firsts + rest}

    def check(target):
        return download(lists[target], *target, args.dest)

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        verdicts = dict(zip(firsts, pool.map(check, firsts)))
        everywhere = pure(args.dest)
        for target in rest:
            lists[target] = [pin for pin in lists[target] if canonical(pin) not in everywhere]
        verdicts.update(zip(rest, pool.map(check, rest)))
    for (python, platform), (ok, errors) in sorted(verdicts.items()):
        kind = "pins" if platform == first else "pins without a pure-Python wheel"
        verdict = "every one has a wheel" if ok else f"FAILED\n{errors}"
        print(f"Python {python} {platform}: {len(lists[python, platform])} {kind}, {verdict}")
    return 0 if all(ok for ok, _ in verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
