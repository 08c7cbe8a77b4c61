#!/bin/sh
# run.sh BUILD_DIR: crace's detector against ThreadSanitizer on eight small
# race-free workloads (the *.c files here), one table: slowdown over a
# native build and peak RSS, medians of 5 runs, variants interleaved.
#
# Every workload is built five ways, into BUILD_DIR/bench/detector/:
#   native       gcc -O2                             (the baseline)
#   crace-gcc    CRACE_CC=gcc crace cc -O2, run with `crace run`
#   tsan-gcc     gcc -O2 -fsanitize=thread           (libtsan)
#   crace-clang  CRACE_CC=clang crace cc -O2, run with `crace run`
#   tsan-clang   clang -O2 -fsanitize=thread         (compiler-rt)
# all with -g -pthread (and -fno-omit-frame-pointer for the sanitizer
# builds, as crace cc adds it). A variant that does not build is left
# out ("n/a"); one that crashes reads "crash"; the script goes on.
#
# Environment: BENCH_RUNS (runs per variant, default 5), BENCH_SCALE
# (multiplies every workload's size, e.g. 0.5), BENCH_TIMEOUT (seconds per
# run, default 60), BENCH_ONLY (comma-separated workloads), and
# BENCH_CALLGRIND=1: run each variant once under valgrind's callgrind at a
# smaller size and print instruction-count ratios instead.
# CRACE_OPTIONS is unset; TSAN_OPTIONS is report_bugs=1.
set -eu

build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$build" ]; then
    echo "run.sh: $build: no such build directory; run make first" >&2
    exit 1
fi
build=$(cd "$build" && pwd)
crace=$build/bin/crace
out=$build/bench/detector
mkdir -p "$out"

if [ ! -x "$crace" ] || [ ! -e "$build/lib/libcrace.so" ]; then
    echo "run.sh: $crace or $build/lib/libcrace.so not found; run make first" >&2
    exit 1
fi
if [ "${BENCH_CALLGRIND:-0}" != 0 ] && ! command -v valgrind >/dev/null 2>&1; then
    echo "run.sh: BENCH_CALLGRIND needs valgrind (apt-get install valgrind)" >&2
    exit 1
fi

unset CRACE_OPTIONS
TSAN_OPTIONS=report_bugs=1
export TSAN_OPTIONS

workloads="private read_shared mutex atomics condvar_pingpong thread_churn calls malloc lock_order atomic_array"
flags="-std=c11 -D_GNU_SOURCE -O2 -g -pthread"
tsan="-fsanitize=thread -fno-omit-frame-pointer"

# build WORKLOAD VARIANT COMMAND...: a failed build only loses that variant.
build_one() {
    w=$1 v=$2
    shift 2
    rm -f "$out/$w.$v"
    if ! "$@" -o "$out/$w.$v" "$here/$w.c" >"$out/$w.$v.build.log" 2>&1; then
        rm -f "$out/$w.$v"
        echo "run.sh: $w.$v did not build (see $out/$w.$v.build.log); its cells read n/a" >&2
    fi
}

have() { command -v "$1" >/dev/null 2>&1; }

echo "building the workloads, 5 variants each, into $out" >&2
# The helper that takes each run's peak RSS (see rss.c).
cc=gcc
have gcc || cc=cc
$cc -O2 -o "$out/rss" "$here/rss.c"
# $flags and $tsan are left unquoted on purpose: they are word lists.
# shellcheck disable=SC2086
for w in $workloads; do
    if have gcc; then
        build_one "$w" native gcc $flags
        build_one "$w" tsan-gcc gcc $flags $tsan
        build_one "$w" crace-gcc env CRACE_CC=gcc "$crace" cc $flags
    fi
    if have clang; then
        build_one "$w" tsan-clang clang $flags $tsan
        build_one "$w" crace-clang env CRACE_CC=clang "$crace" cc $flags
    fi
done

exec python3 "$here/bench.py" "$out" "$crace"
