#!/usr/bin/env bash
# Builds an aarch64 (ARM64) Debian bookworm chroot in the empty folder ROOT, run by qemu-user, with
# a Python 3.11 venv at /opt/venv holding requirements.txt's pins from PyPI's aarch64 wheels.
# tools/maintainers/arm64_nbval.sh calls it (after installing qemu-user-static and registering it with
# binfmt_misc) and caches the result; it is not meant to be run by hand.
#
# Usage, as root:  tools/maintainers/arm64_chroot.sh ROOT REQUIREMENTS_FILE
#
# The wheels are downloaded by the host's pip (native speed) and installed inside the chroot from
# that folder with --no-index: pip resolving under emulation is many times slower. No pin needs a
# compiler on aarch64, so --only-binary holds. The project itself is not installed here (the
# caller puts it on PYTHONPATH), so the chroot depends only on this file and the requirements.
set -euo pipefail

root=${1:?usage: arm64_chroot.sh ROOT REQUIREMENTS_FILE}
reqs=${2:?usage: arm64_chroot.sh ROOT REQUIREMENTS_FILE}
[[ $(id -u) -eq 0 ]] || { echo "arm64_chroot.sh: debootstrap and chroot need root" >&2; exit 1; }
[[ -f $reqs ]] || { echo "arm64_chroot.sh: no requirements file at $reqs" >&2; exit 1; }
[[ -d $root && -z $(ls -A "$root") ]] || { echo "arm64_chroot.sh: ROOT must be an empty folder: $root" >&2; exit 1; }

# Debian's own bookworm mirror; DEBIAN_MIRROR overrides it (a local mirror, say).
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
suite=bookworm # its python3 is 3.11, the oldest Python the README supports

# The first stage runs natively; the second runs aarch64 binaries, which the caller has made the
# kernel hand to qemu (binfmt_misc). The static qemu is copied in as well, so that the chroot also
# works where the registration lacks the F (fix-binary) flag.
[[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] || { echo "arm64_chroot.sh: qemu-aarch64 is not registered with binfmt_misc" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
debootstrap --arch=arm64 --foreign --variant=minbase \
    --include=python3,python3-venv,ca-certificates "$suite" "$root" "$mirror"
cp /usr/bin/qemu-aarch64-static "$root/usr/bin/"
chroot "$root" /debootstrap/debootstrap --second-stage

# The venv, then the pins from wheels fetched on the host. `-e .` lines are dropped (the caller
# puts the project on PYTHONPATH); setuptools and wheel are added so that an editable install of
# the project would also work inside (setuptools>=77 reads pyproject's license field).
# requirements.txt is universal (uv's environment markers): the markers are evaluated here for the
# chroot (aarch64 Linux, bookworm's Python 3.11.2), because the host's pip would evaluate them for
# the host's own Python (3.11.7 picks soupsieve 4.1.4, which needs 3.11.5).
python_full=3.11.2
wheels="$root/opt/wheels"
mkdir -p "$wheels"
python3 - "$reqs" "$python_full" >"$root/opt/requirements.txt" <<'PY'
import sys
from packaging.requirements import Requirement

full = sys.argv[2]
env = {
    "python_version": full.rsplit(".", 1)[0], "python_full_version": full, "os_name": "posix",
    "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64",
    "implementation_name": "cpython", "platform_python_implementation": "CPython",
}
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.split(" #")[0].strip()
    if not line or line.startswith(("#", "-")):
        continue
    req = Requirement(line)
    if req.marker is None or req.marker.evaluate(env):
        req.marker = None
        print(req)
print("setuptools>=77")
print("wheel")
PY
python3 -m pip download --quiet --disable-pip-version-check --only-binary :all: \
    --platform manylinux2014_aarch64 --platform manylinux_2_17_aarch64 --platform manylinux_2_28_aarch64 \
    --implementation cp --python-version "$python_full" -d "$wheels" -r "$root/opt/requirements.txt"
in_chroot() { chroot "$root" env -i PATH=/usr/bin:/bin HOME=/root QEMU_CPU=neoverse-n1 "$@"; }
in_chroot python3 -m venv /opt/venv
in_chroot /opt/venv/bin/pip install --quiet --disable-pip-version-check --no-index \
    --find-links /opt/wheels -r /opt/requirements.txt
rm -rf "$wheels" "$root/var/cache/apt/archives/"*.deb
in_chroot /opt/venv/bin/python -c "import numpy, gensim, nbval; print('aarch64 venv:', numpy.__version__, gensim.__version__)"
