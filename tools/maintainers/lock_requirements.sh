#!/usr/bin/env bash
# Compile requirements.in into requirements.txt and requirements-ci.in into requirements-ci.txt with
# uv (pinned in requirements-ci.in): every package of the environment pinned, with environment
# markers where Linux, macOS, Windows or a Python version needs another package or version.
#
#   tools/maintainers/lock_requirements.sh           # rewrite both files
#   tools/maintainers/lock_requirements.sh --check   # change nothing; exit 1 if either is stale
#
# The current file is uv's preference: a version changes only when the .in file asks for it. The
# resolver sees PyPI as of the `# exclude-newer:` date in requirements.in, so compiling again gives
# the same file whatever was released since. Needs PyPI (uv's cache answers what it can).
set -euo pipefail
cd "$(dirname "$0")/../.."
check=0
[[ "${1:-}" == "--check" ]] && check=1
date=$(sed -n 's/^# exclude-newer: *//p' requirements.in)
if [[ -z "$date" ]]; then
    echo "requirements.in has no '# exclude-newer: DATE' line" >&2
    exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# compile IN OUT [uv options]: writes $work/OUT, headed by what it is and how it was made.
compile() {
    local in=$1 out=$2
    shift 2
    [[ -f "$out" ]] && cp "$out" "$work/$out.body"
    uv pip compile --quiet --universal --python-version 3.11 --exclude-newer "$date" \
        --no-header --no-annotate "$@" "$in" -o "$work/$out.body"
    {
        echo "# Made from $in by tools/maintainers/lock_requirements.sh (uv pip compile --universal,"
        echo "# PyPI as of $date): do not edit. Python 3.11, 3.12 and 3.13 on Linux, macOS and"
        echo "# Windows; not 3.14, for which gensim 4.4.0 has no wheel (pyproject.toml: requires-python)."
        cat "$work/$out.body"
    } >"$work/$out"
}

compile requirements.in requirements.txt
grep -v '^-e' "$work/requirements.txt" >"$work/constraints.txt"
compile requirements-ci.in requirements-ci.txt -c "$work/constraints.txt"

stale=0
for out in requirements.txt requirements-ci.txt; do
    if ((check)); then
        if ! diff -u "$out" "$work/$out"; then
            echo "$out is not what tools/maintainers/lock_requirements.sh makes of ${out%.txt}.in" >&2
            stale=1
        fi
    elif ! cmp -s "$out" "$work/$out" 2>/dev/null; then
        cp "$work/$out" "$out"
        echo "wrote $out"
    fi
done
((check)) && ((stale == 0)) && echo "requirements.txt and requirements-ci.txt are current"
exit "$stale"
