#!/bin/sh
# run.sh BUILD_DIR CC: libgochan against Go's runtime on the same four
# channel workloads (see bench.c), medians of 5 runs each, one table.
#
# Builds bench.c with CC against BUILD_DIR/lib/libgochan.so, and bench.go
# when a `go` command exists (else the Go column is skipped). Knobs from
# the environment: BENCH_N (messages per run, default 1000000; pingpong does
# BENCH_N/10 round trips), BENCH_REPS (default 5).
set -eu

build=${1:-build}
cc=${2:-cc}
n=${BENCH_N:-1000000}
reps=${BENCH_REPS:-5}

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=$(cd "$build" && pwd)
lib=$build/lib
out=$build/bench/runtime
mkdir -p "$out"

if [ ! -e "$lib/libgochan.so" ]; then
    echo "run.sh: $lib/libgochan.so not found; run make first" >&2
    exit 1
fi

# $cc is left unquoted on purpose: CC may carry words ("crace cc", "ccache gcc").
$cc -std=c11 -D_GNU_SOURCE -O2 -g -pthread -I"$root/runtime/include" \
    "$here/bench.c" -o "$out/bench_c" -L"$lib" -Wl,-rpath,"$lib" -lgochan

go_note=""
if command -v go >/dev/null 2>&1; then
    # Built from a copy in a directory of its own, outside any module, with
    # the build cache under BUILD_DIR: offline, and nothing written elsewhere.
    mkdir -p "$out/gosrc"
    cp "$here/bench.go" "$out/gosrc/bench.go"
    (cd "$out/gosrc" && GOCACHE="$out/gocache" GOPATH="$out/gopath" GOFLAGS= GO111MODULE=on \
        go build -o "$out/bench_go" bench.go)
else
    go_note="go not found: Go column skipped"
    rm -f "$out/bench_go"
fi

echo "libgochan vs Go: $n messages per run (pingpong: $((n / 10)) round trips), median of $reps runs, $(nproc 2>/dev/null || echo '?') CPUs"
"$out/bench_c" -n "$n" -r "$reps" >"$out/crace.txt"
if [ -x "$out/bench_go" ]; then
    "$out/bench_go" -n "$n" -r "$reps" >"$out/go.txt"
else
    : >"$out/go.txt"
fi

awk '
    FILENAME == ARGV[1] { gorate[$1] = $2; next }
    BEGIN {
        printf "%-10s %16s %16s %10s\n", "workload", "crace msgs/s", "Go msgs/s", "crace/Go"
    }
    {
        g = ($1 in gorate) ? gorate[$1] : ""
        if (g != "" && g > 0)
            printf "%-10s %16.0f %16.0f %10.2f\n", $1, $2, g, $2 / g
        else
            printf "%-10s %16.0f %16s %10s\n", $1, $2, "-", "-"
    }
' "$out/go.txt" "$out/crace.txt"

[ -z "$go_note" ] || echo "$go_note"
