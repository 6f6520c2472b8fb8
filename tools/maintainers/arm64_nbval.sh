#!/usr/bin/env bash
# Runs the notebooks under nbval on ARM64 Linux: inside an aarch64 Debian chroot, emulated by
# qemu-user as a Neoverse N1 (an AWS Graviton 2 / Ampere Altra core), with numpy's and OpenBLAS's
# aarch64 kernels. It shows that the saved outputs hold on ARM, not only on the x86 CPUs that
# tools/maintainers/check_backends.py emulates. .ci/run calls it; run it as root from anywhere:
#
#   tools/maintainers/arm64_nbval.sh                        # the notebooks CI checks (see NOTEBOOKS below)
#   tools/maintainers/arm64_nbval.sh notebooks/09_negative_sampling.ipynb   # chosen notebooks instead
#   ARM64_BUILD_ONLY=1 tools/maintainers/arm64_nbval.sh     # build (or check) the cached chroot, run nothing
#
# The chroot takes about ten minutes to build, so it is cached in ARM64_CACHE (default
# /var/cache/cbow-arm64), outside the clone, under a key hashed from requirements.txt and
# tools/maintainers/arm64_chroot.sh: a change to either builds a new one, and older ones are removed. A build
# happens in a temporary folder renamed to its key only once it has finished, so an interrupted
# build is never reused. A lock serialises runs that share the cache.
set -euo pipefail

project=$(cd "$(dirname "$0")/../.." && pwd)
cache=${ARM64_CACHE:-/var/cache/cbow-arm64}
# Left out to keep CI short: notebook 06 and its exercises notebook (each trains the reference
# model, about 20 minutes emulated), notebooks 09 and 10 (several minutes each), and the answers
# notebook (answer 6.3 trains two models of 5,000 steps: over 15 minutes emulated).
NOTEBOOKS=(notebooks/0[0-5]_*.ipynb notebooks/07_*.ipynb notebooks/08_*.ipynb exercises/0[0-5]_*.ipynb
    exercises/07_*.ipynb)
started=$SECONDS

[[ $(id -u) -eq 0 ]] || { echo "arm64_nbval.sh: chroot and mount need root" >&2; exit 1; }
cd "$project"
if [[ $# -gt 0 ]]; then NOTEBOOKS=("$@"); fi
for notebook in "${NOTEBOOKS[@]}"; do
    [[ -f $notebook ]] || { echo "arm64_nbval.sh: no notebook at $notebook" >&2; exit 1; }
done

mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9 # held until the script exits

# qemu-user, and the kernel's binfmt_misc entry that hands it every aarch64 binary. Checked on every
# run: a reboot can drop the entry while the cached chroot stays.
if [[ ! -x /usr/bin/qemu-aarch64-static ]] || ! command -v update-binfmts >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static binfmt-support >/dev/null
fi
mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
[[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]] || update-binfmts --enable qemu-aarch64

# Mount points under a folder, deepest first (so they can be unmounted in that order).
mounts_under() { awk -v d="$1" '$5 == d || index($5, d "/") == 1 {print $5}' /proc/self/mountinfo | sort -r; }
# Removes a folder that must not hold a mount (rm would otherwise reach into /proc or the host).
remove_tree() {
    local m
    for m in $(mounts_under "$1"); do umount "$m" || umount -l "$m"; done
    if [[ -n $(mounts_under "$1") ]]; then echo "arm64_nbval.sh: $1 still holds mounts; left in place" >&2; return 1; fi
    rm -rf --one-file-system "$1"
}

key=$(cat requirements.txt tools/maintainers/arm64_chroot.sh | sha256sum | cut -c1-16)
root="$cache/chroot-$key"
# Nothing else runs under the lock, so every other chroot here is stale or half-built.
for old in "$cache"/chroot-*/ "$cache"/building.*/; do
    [[ ${old%/} == "$root" || ! -d $old ]] || remove_tree "${old%/}" || true
done
if [[ -f $root/.complete ]]; then
    echo "aarch64 chroot: cached at $root"
else
    [[ ! -e $root ]] || remove_tree "$root" # no .complete: not ours to trust
    building=$(mktemp -d "$cache/building.XXXXXX")
    chmod 755 "$building" # it becomes the chroot's /
    echo "aarch64 chroot: building in $building (about ten minutes)"
    built_at=$SECONDS
    "$project/tools/maintainers/arm64_chroot.sh" "$building" "$project/requirements.txt"
    for m in $(mounts_under "$building"); do umount "$m"; done # debootstrap's own, if any are left
    touch "$building/.complete"
    mv -T "$building" "$root"
    echo "aarch64 chroot: built in $((SECONDS - built_at)) s"
fi
if [[ -n ${ARM64_BUILD_ONLY:-} ]]; then exit 0; fi

# The run happens in a tmpfs over the chroot's /tmp: a fresh copy of the clone (without .git), HOME,
# and whatever the notebooks and Jupyter write, so nothing of it reaches the clone or the cached
# chroot. /proc and /dev/shm are mounted for Python and Jupyter; all are unmounted on exit.
cleanup() {
    local m
    for m in $(mounts_under "$root"); do umount "$m" || umount -l "$m"; done
}
cleanup # mounts left by a run that was killed outright
trap cleanup EXIT
trap 'exit 130' INT TERM
mount -t proc proc "$root/proc"
mount -t tmpfs -o size=256m tmpfs "$root/dev/shm"
mount -t tmpfs -o size=2g tmpfs "$root/tmp"
mkdir -p "$root/tmp/project" "$root/tmp/home"
tar -C "$project" --exclude=.git --exclude=__pycache__ --exclude=node_modules --exclude=build -cf - . |
    tar -C "$root/tmp/project" -xf -

# The CPU qemu emulates: a Neoverse N1 (AWS Graviton 2, Ampere Altra) unless ARM64_CPU names
# another of `qemu-aarch64-static -cpu help` (qemu's default, max, makes OpenBLAS pick a slow
# SME kernel that also raises spurious floating-point warnings).
cpu=${ARM64_CPU:-neoverse-n1}
in_chroot() {
    chroot "$root" env -i PATH=/opt/venv/bin:/usr/bin:/bin HOME=/tmp/home LANG=C.UTF-8 \
        QEMU_CPU="$cpu" PYTHONPATH=/tmp/project OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
        PYTHONHASHSEED=0 sh -c 'cd /tmp/project && exec "$@"' sh "$@"
}
in_chroot python -c "import platform, numpy, threadpoolctl
blas = [i for i in threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas']
print('inside:', platform.machine(), 'numpy', numpy.__version__, 'OpenBLAS', blas[0]['version'],
      'kernels', blas[0]['architecture'], '(QEMU_CPU=$cpu)')"

status=0
in_chroot python -m pytest -p no:cacheprovider -o addopts= -n auto --dist loadscope \
    --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
    --junitxml=/tmp/junit.xml -q "${NOTEBOOKS[@]}" || status=$?

# Per notebook: cells, cells passed, seconds (the sum over its cells, emulated).
python3 - "$root/tmp/junit.xml" <<'SUMMARY' || true
import collections, sys, xml.etree.ElementTree as ET
rows = collections.defaultdict(lambda: [0, 0, 0.0])
for case in ET.parse(sys.argv[1]).iter("testcase"):
    name = case.get("classname") or "(no notebook)"  # the path, with "." for "/"
    row = rows[name.replace(".", "/", name.count(".") - 1)]
    row[0] += 1
    row[1] += not any(child.tag in ("failure", "error", "skipped") for child in case)
    row[2] += float(case.get("time", 0))
print(f"{'notebook':<42} {'cells':>5} {'passed':>6} {'seconds':>8}")
for name, (cells, passed, seconds) in sorted(rows.items()):
    print(f"{name:<42} {cells:>5} {passed:>6} {seconds:>8.0f}")
SUMMARY
echo "ARM64 nbval stage: $((SECONDS - started)) s in all, pytest exit status $status"
exit "$status"
