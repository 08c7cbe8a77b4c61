#!/bin/sh
# tests/report/crace_run.sh [BUILD_DIR]: `crace run` on a whole test suite
# (docs/ci.md): a shell script starting three test binaries, one racy, one
# deadlocking, one clean, gives one report directory with a file per
# process, a summary, exit status 66 and every `crace report` format;
# each row of the exit-status table; tests started with an environment
# of their own (env -i, execve and posix_spawn with a fresh envp) checked
# all the same, a static program named with its reason; report
# directories shared by runs; processes COMMAND leaves running waited
# for, counted, named or ended; suppression files silencing exactly what
# they match. One line per
# check, then "crace run: N passed, N failed".
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
CRACE=$BUILD/bin/crace
HERE=$ROOT/tests/report
cd "$ROOT" || exit 1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/crace-run-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM
. "$ROOT/tests/check.sh"

CHECKS="$PY $HERE/checks.py"


# ---------------------------------------------------------------- the suite
B=$TMP/bin
mkdir "$B"
build() {
    "$CRACE" cc -std=gnu11 -O1 -g -pthread -o "$B/$1" "$2" >"$TMP/cc.log" 2>&1 ||
        { echo "FAIL building $2"; cat "$TMP/cc.log"; exit 1; }
}
build racy_test "$HERE/src/counter.c"
build deadlock_test tests/e2e/deadlock_self_relock.c
build clean_test tests/e2e/norace_mutex_counter.c

# A test runner as projects write them: every test runs, the script fails
# when one did.
cat >"$B/suite.sh" <<'EOF2'
#!/bin/sh
cd "${0%/*}" || exit 1
fail=0
for t in "$@"; do
    echo "== $t"
    ./$t || { echo "-- $t failed"; fail=1; }
done
exit $fail
EOF2
chmod +x "$B/suite.sh"

"$CRACE" run --out "$TMP/out" "$B/suite.sh" racy_test deadlock_test clean_test \
    >"$TMP/suite.out" 2>"$TMP/suite.err"
rc=$?
check "suite: crace run exits 66 when a test of the script races or deadlocks" status 66 $rc "$TMP/suite.err"
check "suite: one report file per process (the script and its three tests)" \
    is "$(ls "$TMP/out"/*.jsonl | wc -l | tr -d ' ')" 4
check "suite: the summary counts the processes and the findings by kind" \
    has "$TMP/suite.err" "crace: 4 processes ran under the detector; found 1 data race(s), 1 deadlock(s)"
check "suite: the summary says where the reports are" \
    has "$TMP/suite.err" "crace: reports in $TMP/out"
check "suite: the findings were printed live as well" \
    sh -c "grep -q 'WARNING: DATA RACE' '$TMP/suite.err' && grep -q 'WARNING: DEADLOCK' '$TMP/suite.err'"
check "suite: the clean test ran and passed" has "$TMP/suite.out" "counter=4000"

for f in text json sarif junit html; do
    "$CRACE" report --format $f -o "$TMP/suite.$f" "$TMP/out" 2>"$TMP/report.$f.err"
    rc=$?
    check "suite: crace report --format $f of the directory exits 66" status 66 $rc "$TMP/report.$f.err"
done
check "suite: text holds both findings" \
    sh -c "grep -q 'WARNING: DATA RACE' '$TMP/suite.text' && grep -q 'WARNING: DEADLOCK' '$TMP/suite.text'"
check "suite: json is the two merged records" is "$(wc -l <"$TMP/suite.json" | tr -d ' ')" 2
check "suite: the race's message names the two sides in a fixed order, without goroutine numbers (the same in every run)" \
    grep -E -q '"message":"Data race between (read|write) at counter\.c:11 and write at counter\.c:11"' "$TMP/suite.json"
check "suite: the self-deadlock's key and message name where it blocks (deadlock_self_relock.c's helper), not '?'" \
    grep -E -q '"message":"Deadlock: a goroutine waits for itself \(deadlock_self_relock\.c:10\)","dedup_key":"[^"]*tests/e2e/deadlock_self_relock\.c:10"' "$TMP/suite.json"
check "suite: the self-deadlocked goroutine's state is its wait, not running" \
    grep -q '"goroutines":\[{"id":1,"state":"pthread_mutex_lock"' "$TMP/suite.json"
check "suite: sarif validates against SARIF 2.1.0, one result per finding" \
    $CHECKS sarif "$HERE/sarif-schema-2.1.0.json" "$TMP/suite.sarif" 2
check "suite: junit has a failing testcase per finding, a suite per executable" \
    $CHECKS junit "$TMP/suite.junit" 2 2
check "suite: html lists both findings" $CHECKS html "$TMP/suite.html" 2

# ---------------------------------------------------------------- exit statuses
run() { # run LOG ARGS...: crace run ARGS, status in $rc
    log=$1
    shift
    "$CRACE" run "$@" >"$TMP/$log.out" 2>"$TMP/$log.err"
    rc=$?
}
run clean --out "$TMP/clean" "$B/suite.sh" clean_test
check "exit: 0 when the command succeeds and nothing is found" status 0 $rc "$TMP/clean.err"
check "exit: the clean run's summary says so" \
    has "$TMP/clean.err" "crace: 2 processes ran under the detector; no findings"
check "uninstrumented: a run with code built by crace cc says nothing of it" \
    sh -c "! grep -q 'built with .crace cc' '$TMP/clean.err'"
cc -O1 -g -pthread -o "$B/plain_test" tests/e2e/norace_mutex_counter.c
run plain --out "$TMP/plain" sh -c "'$B/plain_test'"
check "uninstrumented: a run where no process ran code built by crace cc warns that its own accesses were not checked, status kept" \
    sh -c "[ $rc -eq 0 ] && grep -q '^crace: warning: no process ran code built with .crace cc.: the programs. own memory accesses were not checked' '$TMP/plain.err' || { cat '$TMP/plain.err'; exit 1; }"
cat >"$TMP/oldgochan.c" <<'EOF2'
/* What a libgochan of another crace install does at load: asks for the
 * detector's hooks in an interface version this crace does not speak. */
#include <dlfcn.h>
#include <stdio.h>
int main(void)
{
    const void *(*hooks)(unsigned) = (const void *(*)(unsigned))dlsym(RTLD_DEFAULT, "__gochan_hooks");
    printf("%s\n", hooks && !hooks(4) ? "refused" : "accepted");
    return 0;
}
EOF2
cc -o "$B/oldgochan_test" "$TMP/oldgochan.c" -ldl
run oldgochan --out "$TMP/oldgochan" "$B/oldgochan_test"
check "libgochan of another interface version: refused, and said (its channels would go unseen)" \
    sh -c "grep -q '^refused\$' '$TMP/oldgochan.out' && grep -q 'libgochan speaks detector interface version 4' '$TMP/oldgochan.err' || { cat '$TMP/oldgochan.out' '$TMP/oldgochan.err'; exit 1; }"
run fails --out "$TMP/fails" sh -c 'exit 3'
check "exit: the command's own status when it fails without findings" status 3 $rc "$TMP/fails.err"
run racefail --out "$TMP/racefail" sh -c "'$B/racy_test'; exit 3"
check "exit: 66 when something was found, even when the command failed too" status 66 $rc "$TMP/racefail.err"
run script127 --out "$TMP/script127" sh -c "'$B/racy_test'; '$TMP/no-such-tool'"
check "exit: 66 when something was found and the command then exited 127 itself (a script's missing tool)" \
    status 66 $rc "$TMP/script127.err"
run code --out "$TMP/code" --exitcode=70 "$B/racy_test"
check "exit: --exitcode sets the status for findings" status 70 $rc "$TMP/code.err"
run code0 --out "$TMP/code0" --exitcode=0 "$B/racy_test"
check "exit: --exitcode=0: findings do not fail a command that succeeded" status 0 $rc "$TMP/code0.err"
run code0fail --out "$TMP/code0fail" --exitcode=0 sh -c "'$B/racy_test'; exit 3"
check "exit: --exitcode=0: the command's own failure still comes through" status 3 $rc "$TMP/code0fail.err"
CRACE_OPTIONS=exitcode=0 run code0kill --out "$TMP/code0kill" sh -c "'$B/racy_test'; kill -9 \$\$"
check "exit: exitcode=0: a command killed by a signal still gives 128+N" status 137 $rc "$TMP/code0kill.err"
run usage --no-such-option "$B/clean_test"
check "exit: 1 for an unknown option, naming it" \
    sh -c "[ $rc -eq 1 ] && grep -q \"unknown option '--no-such-option'\" '$TMP/usage.err'"
run badvalue --out "$TMP/badvalue" --history-size=99 "$B/clean_test"
check "exit: 1 for a bad detector option value, stopped before main, named" \
    sh -c "[ $rc -eq 1 ] && grep -q \"bad value '99' for option 'history_size'\" '$TMP/badvalue.err' && [ ! -s '$TMP/badvalue.out' ]"
build crash_test "$HERE/src/crash.c"
run crash --out "$TMP/crash" "$B/crash_test"
check "crash: the command's status (139) when it is killed by SIGSEGV and nothing is found" \
    status 139 $rc "$TMP/crash.err"
check "crash: the summary says which signal killed the command" \
    has "$TMP/crash.err" "crace: $B/crash_test was killed by signal 11 (SIGSEGV: Segmentation fault)"
check "crash: the fault, as Go prints it" sh -c "grep -q '^panic: runtime error: invalid memory address or nil pointer dereference\$' '$TMP/crash.err' && grep -q '^\[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x[0-9a-f]*\]\$' '$TMP/crash.err'"
check "crash: the crashed goroutine's stack, from the faulting line, then where it was created" \
    sh -c "grep -A6 '^goroutine 2 \[running\]:\$' '$TMP/crash.err' | tr '\n' ' ' | grep -q 'fetch() .*src/crash.c:27 .*reader() .*src/crash.c:33 .*created by main in goroutine 1 .*src/crash.c:77 ' || { cat '$TMP/crash.err'; exit 1; }"
run crashrace --out "$TMP/crashrace" "$B/crash_test" race
check "crash: 66 when something was found before the crash, the crash still said" \
    sh -c "[ $rc -eq 66 ] && grep -q 'WARNING: DATA RACE' '$TMP/crashrace.err' && grep -q '^panic: runtime error' '$TMP/crashrace.err' && grep -q 'was killed by signal 11' '$TMP/crashrace.err'"
run crashabort --out "$TMP/crashabort" "$B/crash_test" abort
check "crash: a failed assert: the command's status (134), the summary names SIGABRT" \
    sh -c "[ $rc -eq 134 ] && grep -q 'was killed by signal 6 (SIGABRT: Aborted)' '$TMP/crashabort.err' || { cat '$TMP/crashabort.err'; exit 1; }"
check "crash: a failed assert: Go's SIGABRT lines, the stack down to the assert's line" \
    sh -c "grep -q '^SIGABRT: abort\$' '$TMP/crashabort.err' && grep -A30 '^goroutine 2 \[running\]:\$' '$TMP/crashabort.err' | tr '\n' ' ' | grep -q 'check() .*src/crash.c:47 .*checker() .*src/crash.c:53' || { cat '$TMP/crashabort.err'; exit 1; }"
run crashmany --out "$TMP/crashmany" "$B/crash_test" many
check "crash: eight goroutines crash at once: one says where, in full, before the process dies" \
    sh -c "[ $rc -eq 139 ] && grep -A6 '^goroutine [0-9]* \[running\]:\$' '$TMP/crashmany.err' | tr '\n' ' ' | grep -q 'fetch() .*src/crash.c:27 .*many() .*src/crash.c:41 .*created by main in goroutine 1 ' || { cat '$TMP/crashmany.err'; exit 1; }"
run missing --out "$TMP/missing" "$TMP/no-such-program"
check "exit: 127 when the command is not found" status 127 $rc "$TMP/missing.err"
if printf 'int main(void){return 0;}\n' >"$TMP/static.c" &&
    cc -static -o "$B/static_test" "$TMP/static.c" 2>/dev/null; then
    run static --out "$TMP/static" "$B/static_test"
    check "exit: 1 when no process ran under the detector (a static binary), saying so" \
        sh -c "[ $rc -eq 1 ] && grep -q 'no process ran under the detector' '$TMP/static.err'"
    check "exit: ... and why: COMMAND is named with its reason" \
        has "$TMP/static.err" "crace:   $B/static_test: statically linked (LD_PRELOAD cannot load into it); build it dynamically to check it"
fi

# ---------------------------------------------------------------- the whole tree
# Every program of the run is checked, whatever environment its parent
# gives it; one that cannot load the detector is named, live and in the
# summary, and leaves the status to the findings.
run envi --out "$TMP/envi" sh -c "env -i '$B/racy_test'"
check "tree: a racy test started by env -i (no LD_PRELOAD, no CRACE_OPTIONS) is checked: its race fails the run" \
    sh -c "[ $rc -eq 66 ] && grep -q 'WARNING: DATA RACE' '$TMP/envi.err' && grep -q 'found 1 data race(s)' '$TMP/envi.err' || { cat '$TMP/envi.err'; exit 1; }"
run envi_clean --out "$TMP/envi-clean" sh -c "env -i '$B/clean_test'"
check "tree: its race-free twin through env -i passes, and ran under the detector (its crace cc code counted)" \
    sh -c "[ $rc -eq 0 ] && grep -q 'counter=4000' '$TMP/envi_clean.out' && ls '$TMP/envi-clean' | grep -q '[.]instrumented\$' && ! grep -q 'built with .crace cc\|without the detector' '$TMP/envi_clean.err' || { cat '$TMP/envi_clean.err'; exit 1; }"
build fresh_env "$HERE/src/fresh_env.c"
run fresh --out "$TMP/fresh" "$B/fresh_env"
check "tree: a harness starting its tests by execve and posix_spawn with an envp of its own: both are checked, both races reported" \
    sh -c "[ $rc -eq 66 ] && [ \$(grep -c '^WARNING: DATA RACE' '$TMP/fresh.err') -eq 2 ] || { cat '$TMP/fresh.err'; exit 1; }"
check "tree: ... they got LD_PRELOAD and the run's CRACE_OPTIONS (their findings are in the run's directory)" \
    sh -c "[ \$(grep -c 'LD_PRELOAD set, CRACE_OPTIONS set' '$TMP/fresh.out') -eq 2 ] && grep -q 'crace: 3 processes ran under the detector; found 1 data race(s) in 2 reports' '$TMP/fresh.err' || { cat '$TMP/fresh.out' '$TMP/fresh.err'; exit 1; }"
run ldd --out "$TMP/ldd" sh -c "ldd '$B/clean_test' >/dev/null"
check "tree: ldd, which asks every loader it knows (a 32-bit one too) about the file, names nothing" \
    sh -c "[ $rc -eq 0 ] && ! grep -q 'without the detector' '$TMP/ldd.err' || { cat '$TMP/ldd.err'; exit 1; }"
if [ -x "$B/static_test" ]; then
    cat >"$B/static_suite.sh" <<'EOF2'
#!/bin/sh
cd "${0%/*}" || exit 1
./clean_test && ./static_test
EOF2
    chmod +x "$B/static_suite.sh"
    run staticsuite --out "$TMP/staticsuite" "$B/static_suite.sh"
    check "tree: a static program run by a script does not fail a clean run (findings decide): status 0" \
        status 0 $rc "$TMP/staticsuite.err"
    check "tree: ... it is said as it starts, with why and what to do" \
        has "$TMP/staticsuite.err" "crace: warning: ./static_test runs without the detector: statically linked (LD_PRELOAD cannot load into it); build it dynamically to check it"
    check "tree: ... and the summary names it, with its reason" \
        sh -c "grep -q '^crace: warning: 1 program ran without the detector; its races were not looked for:\$' '$TMP/staticsuite.err' && grep -q '^crace:   $B/static_test: statically linked (LD_PRELOAD' '$TMP/staticsuite.err' || { cat '$TMP/staticsuite.err'; exit 1; }"
    check "tree: ... from its record in RUN.PID.unchecked, which crace report leaves aside" \
        sh -c "grep -q '\"path\":\"$B/static_test\",\"interpreter\":null,\"reason\":\"static\"' '$TMP/staticsuite'/*.unchecked && '$CRACE' report '$TMP/staticsuite' >/dev/null 2>'$TMP/staticsuite.report' && ! grep -q skipped '$TMP/staticsuite.report' || { cat '$TMP/staticsuite.report'; exit 1; }"
    run staticrace --out "$TMP/staticrace" "$B/suite.sh" racy_test static_test
    check "tree: with a race beside it, the status is still the findings' (66)" \
        sh -c "[ $rc -eq 66 ] && grep -q '^crace:   $B/static_test: statically linked' '$TMP/staticrace.err' || { cat '$TMP/staticrace.err'; exit 1; }"
fi
check "help: crace run --help lists every CRACE_OPTIONS key as an option" \
    sh -c "'$CRACE' run --help | grep -q -- '--halt-on-error' && '$CRACE' run --help | grep -q -- '--suppressions=PATH'"
run halt --out "$TMP/halt" --halt-on-error "$B/suite.sh" racy_test clean_test
check "options: --halt-on-error reaches the processes of the run" \
    sh -c "[ $rc -eq 66 ] && ! grep -q 'hits=' '$TMP/halt.out'"

# Two runs sharing a directory (a Makefile loop): each summary counts its
# own processes, crace report merges both.
run shared1 --out "$TMP/shared" "$B/racy_test"
run shared2 --out "$TMP/shared" "$B/clean_test"
check "shared directory: the second run's summary counts only its own process" \
    sh -c "[ $rc -eq 0 ] && grep -q 'crace: 1 process ran under the detector; no findings' '$TMP/shared2.err'"
"$CRACE" report "$TMP/shared" >/dev/null 2>&1
check "shared directory: crace report merges both runs" status 66 $? /dev/null
mkdir "$TMP/prefix"
CRACE_OPTIONS="json_path=$TMP/prefix/mine" run prefix "$B/racy_test"
check "json_path set by the user: files stay under its prefix" \
    sh -c "[ $rc -eq 66 ] && ls '$TMP/prefix' | grep -q '^mine\..*\.jsonl\$' && [ ! -e crace-reports/.keep-out ]"
(cd "$TMP" && CRACE_OPTIONS=json_path=reports/crace "$CRACE" run "$B/racy_test" >/dev/null 2>"$TMP/jpnew.err")
check "json_path set by the user: its missing directory is created, as --out's is (crace.1's example)" \
    sh -c "[ $? -eq 66 ] && ls '$TMP/reports' | grep -q '^crace\..*\.jsonl\$' || { cat '$TMP/jpnew.err'; exit 1; }"
run spaced --out "$TMP/ci reports:x" "$B/racy_test"
check "summary: the suggested command is quoted for the shell" \
    has "$TMP/spaced.err" "(\`crace report '$TMP/ci reports:x'\` merges them)"
run quoted --out "$TMP/it's" "$B/racy_test"
check "summary: a quote in the directory's name is quoted too" \
    has "$TMP/quoted.err" "(\`crace report '$TMP/it'\\''s'\` merges them)"
run procout --out /proc "$B/clean_test"
check "--out: a directory where no file can be created stops the run before COMMAND, saying what --out needs" \
    sh -c "[ $rc -eq 1 ] && grep -q '^crace run: --out /proc: cannot create files there (.*); --out takes a directory where the run.s processes write their reports' '$TMP/procout.err' && [ ! -s '$TMP/procout.out' ] || { cat '$TMP/procout.err'; exit 1; }"
TMPDIR=/nonexistent "$CRACE" cc -std=gnu11 -O1 -g -pthread -o "$B/tmpdir_test" "$HERE/src/counter.c" >"$TMP/tmpdir.log" 2>&1
check "crace cc: a TMPDIR that does not exist falls back to /tmp, as gcc does" status 0 $? "$TMP/tmpdir.log"

# ---------------------------------------------------------------- left running
# Processes COMMAND starts and does not wait for (`./server &` in a test
# script, a daemon): crace is their reaper, waits for them
# (--wait-descendants) and counts what they find; those still running
# when it stops waiting are named, left running, or ended with
# --kill-descendants. Each background test sleeps first, so that it
# reports after COMMAND has ended.
run bgrace --out "$TMP/bgrace" sh -c "(sleep 0.3; exec '$B/racy_test') & exit 0"
check "left running: a racy test started in the background and not waited for: its race, found after COMMAND ended, fails the run (66)" \
    sh -c "[ $rc -eq 66 ] && grep -q '^crace: 3 processes ran under the detector; found 1 data race(s)\$' '$TMP/bgrace.err' && ! grep -q 'still running' '$TMP/bgrace.err' || { echo rc=$rc; cat '$TMP/bgrace.err'; exit 1; }"
run bgclean --out "$TMP/bgclean" sh -c "(sleep 0.3; exec '$B/clean_test') & exit 0"
check "left running: its race-free twin passes (0), waited for: it ran to its end before the summary" \
    sh -c "[ $rc -eq 0 ] && grep -q 'counter=4000' '$TMP/bgclean.out' && grep -q '^crace: 3 processes ran under the detector; no findings\$' '$TMP/bgclean.err' || { echo rc=$rc; cat '$TMP/bgclean.out' '$TMP/bgclean.err'; exit 1; }"
run daemon --out "$TMP/daemon" sh -c "( (sleep 0.3; exec '$B/racy_test') & ); exit 0"
check "left running: a daemon (forked twice, its parent gone first) is waited for too, its race counted (66)" \
    sh -c "[ $rc -eq 66 ] && grep -q 'found 1 data race(s)' '$TMP/daemon.err' || { echo rc=$rc; cat '$TMP/daemon.err'; exit 1; }"
run bgstatus --out "$TMP/bgstatus" sh -c "( (sleep 0.1; exit 7) & ); (sleep 0.3; exit 9) & sleep 0.2; exit 3"
check "left running: COMMAND's status (3) stands, not the statuses of the orphans crace reaps during the run (7) and after it (9)" \
    status 3 $rc "$TMP/bgstatus.err"
# A script that waits for its daemon to go by polling `kill -0`: the
# daemon, crace's adopted child, must be reaped as soon as it ends, or
# it stays a zombie that `kill -0` finds forever.
run reaped --out "$TMP/reaped" sh -c '
    sh -c "sleep 0.2 & echo \$! >\"$1\""
    pid=$(cat "$1") i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 30 ] || { echo "$pid still there: $(cat /proc/$pid/stat)"; exit 9; }
        sleep 0.1
    done' sh "$TMP/reaped.pid"
check "left running: an adopted orphan that ends during the run is reaped at once (a script polling kill -0 for it sees it go)" \
    status 0 $rc "$TMP/reaped.out"
start=$(date +%s)
run stays --out "$TMP/stays" --wait-descendants=0.5 sh -c "sleep 30 & echo \$! >'$TMP/stays.pid'; exit 0"
elapsed=$(($(date +%s) - start))
bgpid=$(cat "$TMP/stays.pid" 2>/dev/null)
check "left running: one still running after --wait-descendants=0.5 is named in the summary, with its pid and command" \
    sh -c "grep -q '^crace: warning: 1 process of the run is still running 0.5 s after sh ended; what it finds from now on is not counted:\$' '$TMP/stays.err' && grep -q '^crace:   pid $bgpid: /.*sleep 30\$' '$TMP/stays.err' || { cat '$TMP/stays.err'; exit 1; }"
check "left running: ... crace returns after the wait (${elapsed} s), not when it ends, status untouched (0), the process left running" \
    sh -c "[ $rc -eq 0 ] && [ $elapsed -le 5 ] && kill -0 $bgpid || { echo rc=$rc; cat '$TMP/stays.err'; exit 1; }"
kill "$bgpid" 2>/dev/null
start=$(date +%s)
run ended --out "$TMP/ended" --wait-descendants=0.2 --kill-descendants \
    sh -c "sleep 30 & echo \$! >'$TMP/ended.pid'; exit 0"
elapsed=$(($(date +%s) - start))
bgpid=$(cat "$TMP/ended.pid" 2>/dev/null)
check "left running: --kill-descendants ends it (SIGTERM), names it, and returns at once (${elapsed} s)" \
    sh -c "[ $rc -eq 0 ] && [ $elapsed -le 5 ] && ! kill -0 $bgpid 2>/dev/null && grep -q '^crace: warning: 1 process of the run was still running 0.2 s after sh ended; ended by --kill-descendants (SIGTERM):\$' '$TMP/ended.err' && grep -q '^crace:   pid $bgpid: /.*sleep 30\$' '$TMP/ended.err' || { echo rc=$rc; cat '$TMP/ended.err'; exit 1; }"
"$CRACE" run --out "$TMP/intr" --wait-descendants=60 sh -c "sleep 30 & echo \$! >'$TMP/intr.pid'; exit 0" \
    >"$TMP/intr.out" 2>"$TMP/intr.err" &
crace_pid=$!
# COMMAND writes the pid file as it ends: from then on crace waits.
i=0
while [ ! -s "$TMP/intr.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.3
start=$(date +%s)
kill -TERM $crace_pid
wait $crace_pid
rc=$?
elapsed=$(($(date +%s) - start))
bgpid=$(cat "$TMP/intr.pid" 2>/dev/null)
check "left running: SIGTERM to crace while it waits stops the wait (${elapsed} s), says so, names what runs, status 143" \
    sh -c "[ $rc -eq 143 ] && [ $elapsed -le 3 ] && grep -q '^crace: interrupted by SIGTERM while waiting for the processes sh left running\$' '$TMP/intr.err' && grep -q '^crace:   pid $bgpid: /.*sleep 30\$' '$TMP/intr.err' || { echo rc=$rc; cat '$TMP/intr.err'; exit 1; }"
kill "$bgpid" 2>/dev/null
start=$(date +%s)
# The script waits for its child to be sleep (not the shell it forked, caught
# before its exec: crace names what runs when it looks, at once here).
run stopped --out "$TMP/stopped" sh -c "sleep 30 & p=\$!; while [ \"\$(cat /proc/\$p/comm 2>/dev/null)\" != sleep ]; do :; done; echo \$p >'$TMP/stopped.pid'; kill -TERM \$\$"
elapsed=$(($(date +%s) - start))
bgpid=$(cat "$TMP/stopped.pid" 2>/dev/null)
check "left running: after a COMMAND killed by SIGTERM (a timeout, ^C) crace does not wait (${elapsed} s), names what runs, status 143" \
    sh -c "[ $rc -eq 143 ] && [ $elapsed -lt 4 ] && grep -q '^crace:   pid $bgpid: /.*sleep 30\$' '$TMP/stopped.err' || { echo rc=$rc; cat '$TMP/stopped.err'; exit 1; }"
kill "$bgpid" 2>/dev/null
run badwait --wait-descendants=soon "$B/clean_test"
check "left running: a --wait-descendants that is not a number of seconds is a usage error (1), named" \
    sh -c "[ $rc -eq 1 ] && grep -q \"^crace run: --wait-descendants: 'soon' is not a number of seconds\" '$TMP/badwait.err' || { cat '$TMP/badwait.err'; exit 1; }"

# ---------------------------------------------------------------- suppressions
printf '# the counter race is known\nrace:worker\n' >"$TMP/supp"
run supp --out "$TMP/supp-out" --suppressions="$TMP/supp" "$B/suite.sh" racy_test clean_test
check "suppressions: a matching rule silences the race, the run passes" status 0 $rc "$TMP/supp.err"
check "suppressions: the summary counts the suppressed finding" \
    has "$TMP/supp.err" "no findings; 1 suppressed"
check "suppressions: nothing of the race is printed or written" \
    sh -c "! grep -q 'DATA RACE' '$TMP/supp.err' && ! grep -q data_race '$TMP/supp-out'/*.jsonl"
printf 'race:no_such_function\nrace:worker\n' >"$TMP/supp2"
run unused --out "$TMP/unused" --suppressions="$TMP/supp2" --report-unused-suppressions \
    "$B/suite.sh" racy_test clean_test
check "suppressions: the summary lists a rule that matched nothing, by file and line" \
    sh -c "[ $rc -eq 0 ] && grep -q 'crace: suppression $TMP/supp2:1 matched nothing in the run: race:no_such_function' '$TMP/unused.err' && ! grep -q 'supp2:2 matched nothing' '$TMP/unused.err'"
printf 'race:main_thread_only\n' >"$TMP/supp3"
run other --out "$TMP/other" --suppressions="$TMP/supp3" "$B/racy_test"
check "suppressions: a rule that does not match leaves the race reported" status 66 $rc "$TMP/other.err"
printf 'race:worker\nrase:main\n' >"$TMP/bad-supp"
run badsupp --out "$TMP/badsupp" --suppressions="$TMP/bad-supp" "$B/clean_test"
check "suppressions: a syntax error names file and line and stops the run (exit 1)" \
    sh -c "[ $rc -eq 1 ] && grep -q '$TMP/bad-supp:2' '$TMP/badsupp.err' && [ ! -s '$TMP/badsupp.out' ]"
(cd "$B" && "$CRACE" run --out "$TMP/rel" --suppressions=../supp ./racy_test >/dev/null 2>"$TMP/rel.err")
check "suppressions: a relative --suppressions path is the caller's, whatever directory the tests use" \
    status 0 $? "$TMP/rel.err"

# ---------------------------------------------------------------- nothing lost
# A process killed while it reports: at most the finding being written
# when the signal came is missing from its file (its text may be out
# already). SIGTERM, SIGINT and a SIGSEGV wait for that record: every line
# is whole. SIGKILL cannot be waited for: the kernel may stop the record's
# write between two pages, and readers skip that last, cut line.
build many_races "$HERE/src/many_races.c"
for sig in KILL TERM INT SEGV; do
    for delay in 0.02 0.05 0.1 0.2; do
        d=$TMP/kill-$sig-$delay
        mkdir "$d"
        LD_PRELOAD=$BUILD/lib/libcrace.so CRACE_OPTIONS="json_path=$d/k log_path=$d/log" \
            "$B/many_races" >/dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        kill -s "$sig" "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
done
check "nothing lost: processes killed (TERM, INT, SEGV; KILL) while reporting leave whole records (KILL: but the last)" \
    $PY - "$TMP" <<'EOF2'
import glob, json, os, sys
bad = []
total = 0
for d in sorted(glob.glob(os.path.join(sys.argv[1], "kill-*"))):
    texts = sum(open(f).read().count("WARNING: DATA RACE") for f in glob.glob(d + "/log.*"))
    records = 0
    killed = "-KILL-" in d
    for f in glob.glob(d + "/k.*.jsonl"):
        data = open(f).read()
        if data and not data.endswith("\n"):
            if not killed:
                bad.append("%s: ends inside a record" % f)
            data = data[:data.rfind("\n") + 1]
        for n, line in enumerate(data.splitlines(), 1):
            try:
                r = json.loads(line)
                assert r["schema"] == "crace-report/1" and r["kind"] == "data_race"
                records += 1
            except Exception as e:
                bad.append("%s:%d: %s" % (f, n, e))
    if records < texts - 1:
        bad.append("%s: %d reports printed, %d records" % (d, texts, records))
    total += records
print("%d records in %d runs" % (total, len(glob.glob(os.path.join(sys.argv[1], "kill-*")))))
if bad:
    print("\n".join(bad))
    sys.exit(1)
if total == 0:
    print("no process got to report anything before it was killed")
    sys.exit(1)
EOF2

echo "crace run: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
