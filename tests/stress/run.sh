#!/bin/sh
# run.sh BUILD_DIR: crace at scale (`make stress`). Builds the programs
# here with `crace cc`, runs each under `crace run` and checks the
# verdict, printing one "ok NAME" or "FAIL NAME" line per check and a
# final "stress: N passed, N failed"; exits 1 when a check failed.
#
#   goroutines_race    10,000 goroutines (go(), 64 KiB stacks) alive at once,
#                      one planted race: exactly that DATA RACE, exit 66
#   goroutines_norace  the same without it: no WARNING, exit 0
#   pthreads_race      the same with 10,000 pthreads (64 KiB stacks)
#   pthreads_norace
#   churn              1,000,000 threads created and joined, 4 alive at a
#                      time: exit 0, no report, and a peak RSS at most
#                      1.5 times (+ 4 MiB) that of a run of 100,000
#   longrun            mutex and channel traffic for STRESS_SECONDS: the
#                      end VmRSS at most 10 % (+ 4 MiB) over the warm-up one
#
# Then the same programs built with gcc's and clang's ThreadSanitizer run
# beside crace, for a table of result, peak RSS and wall time. Those runs
# are informative only: ThreadSanitizer is known to die with thousands of
# live threads, which is what crace is checked for here.
#
# Environment (defaults in brackets): STRESS_THREADS [10000],
# STRESS_STACK_KIB [64], STRESS_CHURN [1000000], STRESS_CHURN_BASE
# [100000], STRESS_SECONDS [60], STRESS_TIMEOUT [600] (seconds per crace
# run), STRESS_TSAN [1] (0 skips the ThreadSanitizer runs),
# STRESS_TSAN_TIMEOUT [60] (seconds per ThreadSanitizer run, the long run
# gets STRESS_SECONDS more).
set -u

build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ ! -x "$build/bin/crace" ] || [ ! -e "$build/lib/libcrace.so" ]; then
    echo "run.sh: $build/bin/crace or $build/lib/libcrace.so not found; run make first" >&2
    exit 1
fi
build=$(cd "$build" && pwd)
crace=$build/bin/crace
out=$build/stress
mkdir -p "$out/logs" "$out/reports"

threads=${STRESS_THREADS:-10000}
stack_kib=${STRESS_STACK_KIB:-64}
churn=${STRESS_CHURN:-1000000}
churn_base=${STRESS_CHURN_BASE:-100000}
seconds=${STRESS_SECONDS:-60}
timeout_s=${STRESS_TIMEOUT:-600}
tsan_on=${STRESS_TSAN:-1}
tsan_timeout=${STRESS_TSAN_TIMEOUT:-60}

unset CRACE_OPTIONS
TSAN_OPTIONS=report_bugs=1
export TSAN_OPTIONS

passed=0
failed=0
table=$out/table.txt
: >"$table"

ok() {
    echo "ok $1"
    passed=$((passed + 1))
}
fail() {
    echo "FAIL $1: $2"
    failed=$((failed + 1))
}

# ------------------------------------------------------------- building
cc=gcc
command -v gcc >/dev/null 2>&1 || cc=cc
$cc -O2 -o "$out/rss" "$root/tests/bench/detector/rss.c" || exit 1
flags="-std=gnu11 -D_GNU_SOURCE -O1 -g -pthread -I$root/runtime/include"
gochan="-L$build/lib -Wl,-rpath,$build/lib -lgochan"
# ThreadSanitizer cannot see libgochan's synchronisation inside the
# uninstrumented shared library, so its builds compile libgochan's sources
# in, instrumented like the program.
gochan_src="-I$root/runtime/src $root/runtime/src/*.c -lunwind -ldw -lelf -ldl"
tsan_ccs=""
for p in goroutines pthreads churn longrun; do
    libs=""
    tlibs=""
    case $p in goroutines | longrun) libs=$gochan tlibs=$gochan_src ;; esac
    # shellcheck disable=SC2086 # word lists
    if ! "$crace" cc $flags -o "$out/$p" "$here/$p.c" $libs >"$out/logs/$p.build.log" 2>&1; then
        cat "$out/logs/$p.build.log"
        echo "run.sh: $p did not build with crace cc" >&2
        exit 1
    fi
    [ "$tsan_on" = 0 ] && continue
    for tcc in gcc clang; do
        command -v $tcc >/dev/null 2>&1 || continue
        # shellcheck disable=SC2086
        if $tcc $flags -fsanitize=thread -fno-omit-frame-pointer -o "$out/$p.tsan-$tcc" "$here/$p.c" $tlibs \
            >"$out/logs/$p.tsan-$tcc.build.log" 2>&1; then
            case " $tsan_ccs " in *" $tcc "*) ;; *) tsan_ccs="$tsan_ccs $tcc" ;; esac
        else
            echo "run.sh: $p did not build with $tcc -fsanitize=thread (see $out/logs)" >&2
        fi
    done
done

# ------------------------------------------------------------- running
# measure NAME TIMEOUT COMMAND...: runs COMMAND under the rss helper with
# a timeout; sets rc, peak_kib, wall (seconds) and log.
measure() {
    name=$1 limit=$2
    shift 2
    log=$out/logs/$name.log
    t0=$(date +%s%N)
    "$out/rss" "$out/logs/$name.rss" timeout -k 10 "$limit" "$@" >"$log" 2>&1
    rc=$?
    t1=$(date +%s%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
    peak_kib=$(awk '{ print $3 }' "$out/logs/$name.rss" 2>/dev/null)
    [ -n "$peak_kib" ] || peak_kib=0
}

# verdict: one phrase for the table, from rc and the log.
verdict() {
    races=$(grep -c -e '^WARNING: DATA RACE' -e '^WARNING: ThreadSanitizer: data race' "$log")
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        echo "timed out"
    elif msg=$(grep -m1 -e '^FATAL: ThreadSanitizer' -e 'ThreadSanitizer: CHECK failed' \
        -e 'ERROR: ThreadSanitizer' -e 'crace internal error' -e 'ThreadSanitizer:DEADLYSIGNAL' "$log"); then
        echo "crashed ($(echo "$msg" | sed 's/^==[0-9]*==//' | cut -c1-60))"
    elif msg=$(grep -m1 -e 'pthread_create failed' -e 'go() failed' "$log"); then
        echo "could not start thread $(echo "$msg" | sed -n 's/.*thread \([0-9]* of [0-9]*\).*/\1/p')"
    elif [ "$rc" -gt 128 ]; then
        echo "crashed (signal $((rc - 128)))"
    elif [ "$races" -gt 0 ]; then
        echo "found $races race(s), exit $rc"
    elif grep -q -e '^WARNING:' "$log"; then
        echo "other report ($(grep -m1 '^WARNING:' "$log" | cut -c10-60)), exit $rc"
    elif [ "$rc" = 0 ]; then
        echo "ok"
    else
        echo "exit $rc"
    fi
}

row() { # PROGRAM TOOL RESULT
    printf '| %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" \
        "$(awk -v k="$peak_kib" 'BEGIN { printf "%.1f MiB", k / 1024 }')" "$wall s" >>"$table"
}

crace_run() { # NAME TIMEOUT PROGRAM ARGS...
    n=$1 lim=$2 prog=$3
    shift 3
    rm -rf "$out/reports/$n"
    measure "$n" "$lim" "$crace" run --out "$out/reports/$n" "$out/$prog" "$@"
}

# The planted race: exactly one report, naming the variable and the
# function that writes it, and no other warning.
check_race() { # NAME
    if [ "$rc" != 66 ]; then
        fail "$1" "exit status $rc, want 66 ($(verdict)); see $log"
    elif [ "$(grep -c '^WARNING: ' "$log")" != 1 ] || [ "$(grep -c '^WARNING: DATA RACE' "$log")" != 1 ]; then
        fail "$1" "want exactly one WARNING, a DATA RACE; see $log"
    elif ! grep -q "global 'planted_race_target'" "$log" || ! grep -q '^  planted_race_write()' "$log"; then
        fail "$1" "the report does not name planted_race_target and planted_race_write; see $log"
    else
        ok "$1"
    fi
}

check_clean() { # NAME
    if [ "$rc" != 0 ]; then
        fail "$1" "exit status $rc, want 0 ($(verdict)); see $log"
    elif grep -q '^WARNING' "$log"; then
        fail "$1" "unexpected report; see $log"
    else
        ok "$1"
    fi
}

echo "stress: $threads live threads (stacks $stack_kib KiB), $churn threads churned, ${seconds}s long run"
for p in goroutines pthreads; do
    for m in race norace; do
        crace_run "${p}_$m" "$timeout_s" "$p" "$threads" "$m" "$stack_kib"
        row "$p $threads $m" crace "$(verdict)"
        case $m in
        race) check_race "${p}_$m" ;;
        norace) check_clean "${p}_$m" ;;
        esac
    done
done

# Memory bounded by the threads alive, not by those ever created.
crace_run churn_base "$timeout_s" churn "$churn_base" 4
base_rc=$rc base_kib=$peak_kib base_wall=$wall
row "churn $churn_base" crace "$(verdict)"
crace_run churn "$timeout_s" churn "$churn" 4
row "churn $churn" crace "$(verdict)"
echo "churn: $churn_base threads: peak RSS $base_kib KiB in $base_wall s (exit $base_rc);" \
    "$churn threads: peak RSS $peak_kib KiB in $wall s (exit $rc)"
limit_kib=$((base_kib * 3 / 2 + 4096))
if [ "$base_rc" != 0 ]; then
    fail churn "the run of $churn_base threads exited $base_rc; see $out/logs/churn_base.log"
else
    check_clean churn
    if [ "$peak_kib" -gt "$limit_kib" ]; then
        fail churn_memory "peak RSS $peak_kib KiB over 1.5 x $base_kib + 4096 = $limit_kib KiB"
    else
        ok churn_memory
    fi
fi

# No growth over a long run: the program samples its own VmRSS.
crace_run longrun $((seconds + timeout_s)) longrun "$seconds"
rss_line=$(grep -m1 '^longrun: VmRSS' "$log")
warm=$(echo "$rss_line" | sed -n 's/.*warm-up \([0-9]*\) KiB.*/\1/p')
end=$(echo "$rss_line" | sed -n 's/.*end \([0-9]*\) KiB.*/\1/p')
row "longrun ${seconds}s" crace "$(verdict), VmRSS ${warm:-?} -> ${end:-?} KiB"
echo "longrun: VmRSS after warm-up ${warm:-?} KiB, at the end ${end:-?} KiB"
check_clean longrun
if [ -z "$warm" ] || [ -z "$end" ]; then
    fail longrun_memory "no VmRSS figures in $log"
elif [ "$end" -gt $((warm + warm / 10 + 4096)) ]; then
    fail longrun_memory "VmRSS grew from $warm to $end KiB (limit: 10 % + 4096 KiB)"
else
    ok longrun_memory
fi

# ------------------------------------------------------- ThreadSanitizer
# Informative only: never a failed check.
for tcc in $tsan_ccs; do
    tool=tsan-$tcc
    for p in goroutines pthreads; do
        for m in race norace; do
            [ -x "$out/$p.$tool" ] || continue
            measure "${p}_$m.$tool" "$tsan_timeout" "$out/$p.$tool" "$threads" "$m" "$stack_kib"
            v=$(verdict)
            [ "$m" = race ] && [ "$v" = ok ] && v="missed the race"
            row "$p $threads $m" "$tool" "$v"
        done
    done
    if [ -x "$out/churn.$tool" ]; then
        measure "churn.$tool" "$tsan_timeout" "$out/churn.$tool" "$churn" 4
        row "churn $churn" "$tool" "$(verdict)"
    fi
    if [ -x "$out/longrun.$tool" ]; then
        measure "longrun.$tool" $((seconds + tsan_timeout)) "$out/longrun.$tool" "$seconds"
        rss_line=$(grep -m1 '^longrun: VmRSS' "$log")
        warm=$(echo "$rss_line" | sed -n 's/.*warm-up \([0-9]*\) KiB.*/\1/p')
        end=$(echo "$rss_line" | sed -n 's/.*end \([0-9]*\) KiB.*/\1/p')
        row "longrun ${seconds}s" "$tool" "$(verdict), VmRSS ${warm:-?} -> ${end:-?} KiB"
    fi
done

echo
echo "| Program | Tool | Result | Peak RSS | Wall time |"
echo "|---|---|---|---:|---:|"
sort -s -t '|' -k2,2 "$table"
echo
echo "stress: $passed passed, $failed failed"
[ "$failed" = 0 ]
