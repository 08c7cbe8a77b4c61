#!/bin/sh
# samples/check.sh: builds every sample with `crace cc`, runs it under
# `crace run` and checks what it prints against the EXPECT directives at
# the end of its file, with the end-to-end runner (tests/e2e/run.py --dir).
#
# Usage: samples/check.sh [BUILD_DIR [CC...]]   (default: build gcc clang)
#        E2E_ONLY=mutex_ samples/check.sh        only paths containing mutex_
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-$root/build}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- gcc clang
runner=$root/tests/e2e/run.py
if [ ! -x "$build/bin/crace" ]; then
    echo "check.sh: no $build/bin/crace: run make first" >&2
    exit 1
fi
if ! grep -q -- '--dir' "$runner"; then
    echo "check.sh: $runner has no --dir option" >&2
    exit 1
fi
exec python3 "$runner" --dir "$here" "$build" "$@"
