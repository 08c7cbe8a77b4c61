#!/bin/sh
# tests/report/json_writer.sh [BUILD_DIR]: the detector's JSON writer
# (json_path, docs/report-format.md) on real programs of tests/e2e: one of
# every kind of finding. For each: the records validate against
# tests/report/crace-report-1.schema.json, `crace report --format text`
# of the files prints what the program printed live (less the "Found N
# ..." summary, which is per process; a panic's live text is libgochan's),
# the kinds are the expected ones, and SARIF made from all of them
# validates. (The live text also holds the program's own output and the
# summary, which are not findings: each record's text is looked for in it,
# in order.) One line per check, then "json writer: N passed, N failed".
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
CRACE=$BUILD/bin/crace
HERE=$ROOT/tests/report
cd "$ROOT" || exit 1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/crace-json-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
. "$ROOT/tests/check.sh"



# program  kind  (the kinds every record of the run must have, in order)
# [ID=STATE...] (goroutine states the records must give)
cat >"$TMP/cases" <<'CASES'
race_heap_block data_race
race_main_goroutine_exited data_race 1=finished 2=running
race_fd_close data_race
uaf_ordered_by_mutex heap_use_after_free
deadlock_abba deadlock
deadlock_unbuffered_send deadlock
leak_missed_receiver goroutine_leak
misuse_unlock_not_held misuse
deadlock_lock_order_abba potential_deadlock
misuse_busy_select busy_select
misuse_close_closed panic
CASES

mkdir "$TMP/all"
while read -r prog kind want_states; do
    dir=$TMP/$prog
    mkdir "$dir"
    if ! "$CRACE" cc -std=gnu11 -O1 -g -pthread -Iruntime/include -o "$dir/prog" "tests/e2e/$prog.c" \
        -L"$BUILD/lib" -Wl,-rpath,"$BUILD/lib" -lgochan >"$dir/cc.log" 2>&1; then
        cp "$dir/cc.log" "$TMP/why"
        check "$prog: builds" false
        continue
    fi
    (cd "$dir" && CRACE_OPTIONS="json_path=$dir/crace" "$CRACE" run ./prog >"$dir/out" 2>"$dir/live")
    # crace run puts its run's id between PREFIX and PID.
    check "$prog: one file per process, named PREFIX.RUN.PID.jsonl" \
        sh -c "[ \$(ls '$dir'/crace.*.jsonl | wc -l) -eq 1 ] && ls '$dir'/crace.*.jsonl | grep -q 'crace\.[0-9]\{8\}-[0-9]\{6\}-[0-9]*\.[0-9][0-9]*\.jsonl\$'"
    check "$prog: every line is a complete record valid against the schema" \
        $PY "$HERE/checks.py" schema "$HERE/crace-report-1.schema.json" "$dir"/crace.*.jsonl
    check "$prog: the records are of kind $kind" \
        $PY "$HERE/json_writer.py" kinds "$kind" "$dir"/crace.*.jsonl
    "$CRACE" report --format text "$dir" >"$dir/report.txt" 2>"$dir/report.err"
    check "$prog: crace report --format text prints what was printed live" \
        $PY "$HERE/json_writer.py" text "$dir/live" "$dir/report.txt" "$dir"/crace.*.jsonl
    check "$prog: messages and dedup keys have no addresses and name the source, and no goroutine numbers (the same in every run)" \
        $PY "$HERE/json_writer.py" message "tests/e2e/$prog.c" "$dir"/crace.*.jsonl
    # shellcheck disable=SC2086 # one word per state
    check "$prog: the goroutines' states are the text's${want_states:+, and $want_states}" \
        $PY "$HERE/json_writer.py" states $want_states "$dir"/crace.*.jsonl
    cp "$dir"/crace.*.jsonl "$TMP/all/"
done <"$TMP/cases"

"$CRACE" report --format sarif -o "$TMP/all.sarif" "$TMP/all" >/dev/null 2>"$TMP/sarif.err"
n=$(cat "$TMP"/all/*.jsonl | wc -l)
check "sarif from all of them validates against SARIF 2.1.0 ($n records)" \
    $PY "$HERE/checks.py" sarif "$HERE/sarif-schema-2.1.0.json" "$TMP/all.sarif" "$n"

mkdir "$TMP/bad"
LD_PRELOAD=$BUILD/lib/libcrace.so CRACE_OPTIONS="json_path=$TMP/no/such/dir/crace" \
    "$TMP/race_heap_block/prog" >"$TMP/bad/out" 2>"$TMP/bad/err"
rc=$?
check "an unwritable json_path stops the program before main, with status 1" \
    sh -c "[ $rc -eq 1 ] && grep -q \"cannot open json_path '$TMP/no/such/dir/crace\" '$TMP/bad/err' && [ ! -s '$TMP/bad/out' ]"

echo "json writer: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
