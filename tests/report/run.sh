#!/bin/sh
# tests/report/run.sh [BUILD_DIR]: the tests of `crace report` and of the
# report format (docs/report-format.md, docs/ci.md).
#
# Runs BUILD_DIR/bin/crace (default build/) on the records in
# tests/report/samples/ in every format and checks each output for real:
# text against the records, JSON round trips, SARIF against the official
# SARIF 2.1.0 schema (python3-jsonschema), JUnit with xml.etree, HTML
# structure, a screenshot in headless Chromium (installed on the spot when
# missing and possible), damaged input under AddressSanitizer, and the CI
# recipes of docs/ci.md on small projects. One line per check, then
# "report: N passed, N failed, N skipped"; exit status 1 on any failure.
#
# CRACE_REPORT_TEST_KEEP=DIR keeps the outputs (HTML, screenshot, SARIF...).
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
CRACE=$BUILD/bin/crace
HERE=tests/report
SAMPLES=$HERE/samples
SCHEMA=$HERE/crace-report-1.schema.json
SARIF_SCHEMA=$HERE/sarif-schema-2.1.0.json
# The samples name their sources relative to the repository's root.
cd "$ROOT" || exit 1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/crace-report-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

. "$ROOT/tests/check.sh"
# This script also counts skips, so it keeps its own check(), over
# check.sh's, and reports through pass/skip/failed.
skipped=0
pass() { passed=$((passed + 1)); echo "ok   $1"; }
skip() { skipped=$((skipped + 1)); echo "skip $1"; }
failed() {
    failed=$((failed + 1))
    echo "FAIL $1"
    [ -s "$TMP/why" ] && sed -e 's/^/     /' "$TMP/why" | head -n 25
}
# check NAME COMMAND...: passes when COMMAND succeeds; its output, kept in
# $TMP/why, is shown when it fails.
check() {
    name=$1
    shift
    if "$@" >"$TMP/why" 2>&1; then pass "$name"; else failed "$name"; fi
}
# report OUT ERR ARGS...: runs crace report; its status in $rc.
report() {
    out=$1 err=$2
    shift 2
    "$CRACE" report "$@" >"$out" 2>"$err"
    rc=$?
}

if [ ! -x "$CRACE" ]; then
    echo "FAIL $CRACE is not built (run make)"
    echo "report: 0 passed, 1 failed"
    exit 1
fi

CHECKS="python3 $HERE/checks.py"
# PY (check.sh) is plain python3 when none has jsonschema: the validations
# then fail, saying why; no silent pass without a validator.
VALIDATE="$PY $HERE/checks.py"

# ---------------------------------------------------------------- the format
check "schema: every complete sample record validates, every damaged line does not" \
    $VALIDATE schema "$SCHEMA" $(find "$SAMPLES" -name '*.jsonl' | sort)
check "schema: the race and deadlock examples of docs/report-format.md validate" \
    $VALIDATE doc-examples "$SCHEMA" docs/report-format.md
check "schema: tests/report/sarif-schema-2.1.0.json is OASIS's SARIF 2.1.0 schema (errata 01)" \
    has "$SARIF_SCHEMA" '"id": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"'

# ---------------------------------------------------------------- text
report "$TMP/text.out" "$TMP/text.err" "$SAMPLES"
check "text: exit status 66 when there are findings" is "$rc" 66
$CHECKS expected-text "$SAMPLES" >"$TMP/text.want"
check "text: the records' text fields, in order, each finding once" cmp "$TMP/text.want" "$TMP/text.out"
check "text: the race seen by two processes is printed once" \
    is "$(grep -c 'WARNING: DATA RACE' "$TMP/text.out")" 2
for w in fetch/crace.5002.jsonl:1 locks/crace.6001.jsonl:2 misc/odd.jsonl:1 misc/odd.jsonl:2 \
    misc/odd.jsonl:4 misc/odd.jsonl:5; do
    check "damaged input: $w skipped with a warning naming file and line" \
        has "$TMP/text.err" "crace report: $SAMPLES/$w: skipped: "
done
check "damaged input: exactly those 6 warnings; non-.jsonl files in a directory are not read" \
    sh -c "is() { [ \"\$1\" = \"\$2\" ]; }; is \$(grep -c ': skipped: ' '$TMP/text.err') 6 && ! grep -q notes.txt '$TMP/text.err'"
check "damaged input: a truncated last line is called truncated" \
    has "$TMP/text.err" "locks/crace.6001.jsonl:2: skipped: truncated record"
check "summary: one stderr line in Go's words with the counts read" \
    has "$TMP/text.err" "crace report: found 2 data race(s), 1 potential deadlock(s), 2 deadlock(s), 1 goroutine leak(s), 1 misuse(s), 1 busy select loop(s), 1 panic(s) (10 records in 11 files; 6 damaged lines skipped)"
report "$TMP/notes.out" "$TMP/notes.err" "$SAMPLES/misc/notes.txt"
check "a file named on the command line is read whatever its name (2 bad lines, no finding)" \
    sh -c "[ $rc -eq 0 ] && [ \$(grep -c ': skipped: not valid JSON' '$TMP/notes.err') -eq 2 ]"
"$CRACE" report - <"$SAMPLES/counter/crace.4242.jsonl" >"$TMP/stdin.out" 2>/dev/null
rc=$?
check "- reads standard input" sh -c "[ $rc -eq 66 ] && grep -q 'WARNING: DATA RACE' '$TMP/stdin.out'"

# ---------------------------------------------------------------- exit statuses
mkdir "$TMP/empty"
report "$TMP/empty.out" "$TMP/empty.err" "$TMP/empty"
check "exit 0 and no output for a run without findings" sh -c "[ $rc -eq 0 ] && [ ! -s '$TMP/empty.out' ]"
check "a run without findings says so on stderr" has "$TMP/empty.err" "crace report: no findings"
report "$TMP/u.out" "$TMP/u.err"
check "exit 1 without a path" is "$rc" 1
report "$TMP/u.out" "$TMP/u.err" --frobnicate "$SAMPLES"
check "exit 1 on an unknown option" is "$rc" 1
report "$TMP/u.out" "$TMP/u.err" --format=yaml "$SAMPLES"
check "exit 1 on an unknown format" sh -c "[ $rc -eq 1 ] && grep -q \"unknown format 'yaml'\" '$TMP/u.err'"
report "$TMP/u.out" "$TMP/u.err" "$SAMPLES" "$TMP/does-not-exist"
check "exit 1 when a path named on the command line does not exist" \
    sh -c "[ $rc -eq 1 ] && grep -q 'does-not-exist: No such file' '$TMP/u.err'"
report "$TMP/u.out" "$TMP/u.err" -o "$TMP/no/such/dir/out.txt" "$SAMPLES"
check "exit 1 when the output cannot be written" is "$rc" 1
# A full disk: every format, to -o and to standard output, fails naming
# where it wrote, and a device given to -o stays the device (written in
# place, not replaced by a renamed file).
if [ -c /dev/full ]; then
    for f in text json sarif junit html; do
        "$CRACE" report --format $f -o /dev/full "$SAMPLES" >/dev/null 2>"$TMP/full.err"
        rc=$?
        check "exit 1 when the output cannot be written: $f -o /dev/full, named" \
            sh -c "[ $rc -eq 1 ] && grep -q '^crace report: cannot write the report to /dev/full: No space left on device\$' '$TMP/full.err' && [ -c /dev/full ] || { cat '$TMP/full.err'; ls -l /dev/full; exit 1; }"
        "$CRACE" report --format $f "$SAMPLES" >/dev/full 2>"$TMP/full.err"
        rc=$?
        check "exit 1 when the output cannot be written: $f >/dev/full, named" \
            sh -c "[ $rc -eq 1 ] && grep -q '^crace report: cannot write the report to standard output: No space left on device\$' '$TMP/full.err' || { cat '$TMP/full.err'; exit 1; }"
    done
else
    skip "exit 1 when the output cannot be written: /dev/full (no such device here)"
fi
report "$TMP/help.out" "$TMP/u.err" --help
check "--help: usage, formats and exit statuses" \
    sh -c "[ $rc -eq 0 ] && grep -q '^usage: crace report' '$TMP/help.out' && grep -q 'sarif' '$TMP/help.out' && grep -q '66' '$TMP/help.out'"
"$CRACE" --help >"$TMP/help2.out" 2>&1
check "crace --help lists the report command" has "$TMP/help2.out" "  report "

# ---------------------------------------------------------------- json
report "$TMP/merged.jsonl" "$TMP/json.err" --format json "$SAMPLES"
check "json: exit status 66" is "$rc" 66
check "json: one record per finding, unchanged, in order, with occurrences and processes" \
    $CHECKS json "$TMP/merged.jsonl" "$SAMPLES"
check "json: the merged records validate against the schema" \
    $VALIDATE schema "$SCHEMA" "$TMP/merged.jsonl"
check "json: the race of two processes says 2 occurrences from pids 4242 and 4243" \
    has "$TMP/merged.jsonl" '"merged":{"occurrences":2,"processes":[{"pid":4242,"executable":"/ci/build/bin/counter"},{"pid":4243,"executable":"/ci/build/bin/counter"}]}'
report "$TMP/merged2.jsonl" "$TMP/json2.err" --format json "$TMP/merged.jsonl"
check "json: round trip: merging the merged output again changes nothing, byte for byte" \
    cmp "$TMP/merged.jsonl" "$TMP/merged2.jsonl"
report "$TMP/text2.out" "$TMP/json3.err" "$TMP/merged.jsonl"
check "json: the merged records give the same text" cmp "$TMP/text.want" "$TMP/text2.out"
report "$TMP/merged3.jsonl" "$TMP/json4.err" --format json "$TMP/merged.jsonl" "$SAMPLES/counter/crace.4242.jsonl"
check "json: merged counts add up with new records (3 occurrences, still 2 processes)" \
    $CHECKS json "$TMP/merged3.jsonl" "$TMP/merged.jsonl" "$SAMPLES/counter/crace.4242.jsonl"
check "json: a merged file read beside a record it was made from is said to count it twice" \
    has "$TMP/json4.err" "crace report: warning: 1 finding is counted twice: read from a process's own records and from a merged record"
sed 's/"pid":4242/"pid":5252/' "$SAMPLES/counter/crace.4242.jsonl" >"$TMP/other-process.jsonl"
report "$TMP/merged4.jsonl" "$TMP/json5.err" --format json "$TMP/merged.jsonl" "$TMP/other-process.jsonl"
check "json: a merged file beside another process's record: no warning (3 processes)" \
    sh -c '! grep -q "counted twice" "$1" && grep -q "\"pid\":5252" "$2"' sh "$TMP/json5.err" "$TMP/merged4.jsonl"
# Overlapping inputs: each file is read once, and merged output written
# into the directory it was made from is not counted again.
report "$TMP/twice.jsonl" "$TMP/twice.err" --format json "$SAMPLES" "$SAMPLES/counter" "$SAMPLES/counter/crace.4242.jsonl"
check "overlap: a file reached through several paths is read once" cmp "$TMP/merged.jsonl" "$TMP/twice.jsonl"
mkdir "$TMP/rerun"
cp -R "$SAMPLES"/. "$TMP/rerun/"
report "$TMP/rerun.out" "$TMP/rerun.err" --format json -o "$TMP/rerun/merged.jsonl" "$TMP/rerun"
report "$TMP/rerun2.jsonl" "$TMP/rerun2.err" --format json "$TMP/rerun"
check "overlap: crace report DIR counts the same after -o DIR/merged.jsonl DIR" \
    cmp "$TMP/rerun/merged.jsonl" "$TMP/rerun2.jsonl"
check "overlap: the merged output skipped in the directory is named" \
    has "$TMP/rerun2.err" "crace report: $TMP/rerun/merged.jsonl: skipped 9 merged records: written by crace report"

# ---------------------------------------------------------------- sarif
report "$TMP/sarif.out" "$TMP/sarif.err" --format sarif -o "$TMP/out.sarif" "$SAMPLES"
check "sarif: -o writes the file, nothing on stdout, exit 66" \
    sh -c "[ $rc -eq 66 ] && [ ! -s '$TMP/sarif.out' ] && [ -s '$TMP/out.sarif' ] && ! ls '$TMP'/out.sarif.tmp.* 2>/dev/null"
check "sarif: valid against the official SARIF 2.1.0 schema; a result per finding, rules, locations, flows" \
    $VALIDATE sarif "$SARIF_SCHEMA" "$TMP/out.sarif" 9 tests/report/src/counter.c
check "sarif: a header outside the checkout is an absolute file:// URI" \
    has "$TMP/out.sarif" '"uri":"file:///usr/include/x86_64-linux-gnu/bits/string_fortified.h"'
check "sarif: the race of two processes has occurrenceCount 2 and its dedup key as fingerprint" \
    has "$TMP/out.sarif" '"partialFingerprints":{"crace/v1":"data_race|tests/report/src/counter.c:11|tests/report/src/counter.c:11"},"occurrenceCount":2'
mkdir "$TMP/abs"
sed -e "s|\"file\":\"tests/|\"file\":\"$ROOT/tests/|g" "$SAMPLES/counter/crace.4242.jsonl" >"$TMP/abs/crace.1.jsonl"
report "$TMP/abs.sarif" "$TMP/abs.err" --format sarif "$TMP/abs"
check "sarif: absolute paths under the current directory become relative URIs" \
    $VALIDATE sarif "$SARIF_SCHEMA" "$TMP/abs.sarif" 1 tests/report/src/counter.c
(cd "$TMP" && "$CRACE" report --format sarif "$TMP/abs" >"$TMP/abs2.sarif" 2>/dev/null)
check "sarif: paths outside the current directory stay absolute, as file:// URIs" \
    has "$TMP/abs2.sarif" "\"uri\":\"file://$ROOT/tests/report/src/counter.c\""
report "$TMP/empty.sarif" "$TMP/e.err" --format sarif "$TMP/empty"
check "sarif: a run without findings is a valid log with no results" \
    $VALIDATE sarif "$SARIF_SCHEMA" "$TMP/empty.sarif" 0

# ---------------------------------------------------------------- junit
report "$TMP/j.out" "$TMP/j.err" --format junit -o "$TMP/junit.xml" "$SAMPLES"
check "junit: parses; 9 failing testcases in 9 suites (one per executable); counts agree" \
    $CHECKS junit "$TMP/junit.xml" 9 9
check "junit: a finding of two processes says so in its failure" \
    has "$TMP/junit.xml" "Reported 2 time(s) by 2 process(es): pid 4242 (/ci/build/bin/counter), pid 4243 (/ci/build/bin/counter)"
mkdir "$TMP/group"
cat "$SAMPLES/counter/crace.4242.jsonl" >"$TMP/group/a.jsonl"
sed -e 's|/ci/build/bin/buffer|/ci/build/bin/counter|g' "$SAMPLES/buffer/crace.4310.jsonl" >>"$TMP/group/a.jsonl"
report "$TMP/j.out" "$TMP/j.err" --format junit -o "$TMP/group.xml" "$TMP/group"
check "junit: two findings of one executable share its testsuite" $CHECKS junit "$TMP/group.xml" 2 1
report "$TMP/j.out" "$TMP/j.err" --format junit -o "$TMP/empty.xml" "$TMP/empty"
check "junit: a run without findings is a valid document with zero tests" \
    $CHECKS junit "$TMP/empty.xml" 0 1

# ---------------------------------------------------------------- html
report "$TMP/h.out" "$TMP/h.err" --format html -o "$TMP/report.html" "$SAMPLES"
check "html: 9 findings, nothing loaded from anywhere, markup escaped" \
    $CHECKS html "$TMP/report.html" 9
$CHECKS html "$TMP/report.html" 9 >"$TMP/html.lines" 2>&1
check "html: the racing line shown from the source, highlighted" \
    has "$TMP/html.lines" "hit: 11    *hits = *hits + 1;"
check "html: a frame in a system header gets its source too" \
    has "$TMP/html.lines" "hit: 29  return __builtin___memcpy_chk"
sed -n '/<article[^>]*data-kind="misuse"/,/<\/article>/p' "$TMP/report.html" >"$TMP/misuse.html"
check "html: a missing source (src/pool.c) is simply not shown" \
    sh -c "grep -q 'src/pool.c' '$TMP/misuse.html' && ! grep -q 'class=\"src\"' '$TMP/misuse.html'"
check "html: kinds with counts, the file filter box" \
    sh -c "grep -q 'data-kind=\"data_race\">DATA RACE <span class=\"count\">2</span>' '$TMP/report.html' && grep -q 'id=\"file-filter\"' '$TMP/report.html'"
mkdir "$TMP/evil"
cat >"$TMP/evil/e.jsonl" <<'EOF'
{"schema":"crace-report/1","kind":"misuse","title":"MISUSE <b>","message":"<script>alert(1)</script> & \"q\"","dedup_key":"k","time":"2025-01-01T00:00:00Z","process":{"pid":9,"executable":"/x/<i>evil</i>","argv":[]},"goroutines":[],"accesses":[],"location":null,"stacks":[{"title":"</h4><script>alert(2)</script>","goroutine":1,"frames":[{"function":"f<x>","file":"\"><img src=x onerror=alert(3)>.c","line":1,"column":null,"pc":"0x1","module":null,"inlined":false}]}],"text":"<script>alert(4)</script>\n"}
EOF
report "$TMP/h.out" "$TMP/h.err" --format html -o "$TMP/evil.html" "$TMP/evil"
check "html: everything from a record is escaped (no script, no image)" $CHECKS html "$TMP/evil.html" 1
report "$TMP/h.out" "$TMP/h.err" --format html -o "$TMP/empty.html" "$TMP/empty"
check "html: a run without findings says so" has "$TMP/empty.html" "No findings"

# Headless Chromium: the page renders, and its filters work.
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "     (installing Debian's chromium for the screenshot check, about a minute)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >"$TMP/apt.log" 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >"$TMP/apt.log" 2>&1; }
    CHROMIUM=$(command -v chromium || true)
fi
chrome() {
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d "$TMP/chrome.XXXXXX")" "$@"
}
if [ -z "$CHROMIUM" ]; then
    skip "html: screenshot in headless Chromium (skipped: chromium not installed)"
    skip "html: filters in headless Chromium (skipped: chromium not installed)"
else
    chrome --screenshot="$TMP/shot.png" --window-size=1280,900 "file://$TMP/report.html" >"$TMP/chrome.log" 2>&1
    check "html: Chromium renders it: a 1280x900 screenshot with a header, a light page and text" \
        $CHECKS png "$TMP/shot.png" 1280 900
    chrome --dump-dom "file://$TMP/report.html#file=counter.c" >"$TMP/dom1.html" 2>/dev/null
    chrome --dump-dom "file://$TMP/report.html#kind=deadlock,panic" >"$TMP/dom2.html" 2>/dev/null
    check "html: the filters run in Chromium (file=counter.c: 1 of 9; kind=deadlock,panic: 3 of 9)" \
        sh -c "grep -q '<span id=\"shown\">1 of 9 shown</span>' '$TMP/dom1.html' && grep -q '<span id=\"shown\">3 of 9 shown</span>' '$TMP/dom2.html'"
fi

# ---------------------------------------------------------------- damaged input, sanitized
# Every prefix of a record (a truncation at each byte), and deep nesting:
# each line is skipped or read, never a crash. Under ASan and UBSan when
# the compiler has them.
python3 - "$SAMPLES/bank/crace.5001.jsonl" "$TMP/fuzz.jsonl" <<'EOF'
import sys
rec = open(sys.argv[1], "rb").read().rstrip(b"\n")
with open(sys.argv[2], "wb") as f:
    for i in range(1, len(rec)):
        f.write(rec[:i] + b"\n")
    for i in range(0, len(rec), 7):
        for b in (b'"', b"{", b"]", b"\\", b"\x00", b"\xff", b"\xc3", b"9", b","):
            f.write(rec[:i] + b + rec[i + 1:] + b"\n")
    f.write(b"[" * 100000 + b"\n")
    f.write(b'{"a":"' + b"x" * (1 << 20) + b'"}\n')
    f.write(b'"\\ud800"\n"\\udc00\\ud800"\n1e99999\n-\n01\n[1,]\n{"a":1,"a":2}\n')
    f.write(rec + b"\n")
EOF
SAN=$TMP/crace-asan
if ${CC:-cc} -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
    -fno-omit-frame-pointer -Idetector detector/cmd/*.c -o "$SAN" >"$TMP/asan-build.log" 2>&1; then
    RUNNER=$SAN
    label="under ASan+UBSan"
else
    RUNNER=$CRACE
    label="(no sanitizers in this compiler)"
fi
fuzz_ok=true
: >"$TMP/why"
for fmt in text json sarif junit html; do
    ASAN_OPTIONS=detect_leaks=1 "$RUNNER" report --format $fmt "$TMP/fuzz.jsonl" "$SAMPLES" \
        >"$TMP/fuzz.$fmt" 2>"$TMP/fuzz.$fmt.err"
    st=$?
    if [ $st -ne 66 ] || grep -q -e 'ERROR: AddressSanitizer' -e 'runtime error' -e 'LeakSanitizer' \
        "$TMP/fuzz.$fmt.err"; then
        fuzz_ok=false
        { echo "--format $fmt: status $st"; grep -v ': skipped: ' "$TMP/fuzz.$fmt.err" | head -n 20; } >>"$TMP/why"
    fi
done
if $fuzz_ok; then
    pass "damaged input $label: every truncation and mutation skipped or read, no error, no leak"
else
    failed "damaged input $label: every truncation and mutation skipped or read, no error, no leak"
fi
check "damaged input: the deep nesting is refused, not recursed into" \
    has "$TMP/fuzz.text.err" "nested deeper than 128 levels"
check "damaged input: duplicate members and lone surrogates are errors" \
    sh -c "grep -q 'duplicate member' '$TMP/fuzz.text.err' && grep -q 'unpaired surrogate' '$TMP/fuzz.text.err'"

# ---------------------------------------------------------------- the CI recipes
# docs/ci.md's blocks marked <!-- recipe: NAME -->, run as written. Until
# the detector knows json_path, the recipes run without it (the report
# steps then find no records) and say so.
if "$CRACE" run --help 2>/dev/null | grep -q '^  json_path='; then
    strip_json() { cat; }
    json_note=""
else
    strip_json() { sed -e 's/json_path=[^ "'"'"']*//'; }
    json_note=" (json_path not in the detector yet: run without it)"
fi
mkdir "$TMP/mk" "$TMP/mk-fixed"
for d in mk mk-fixed; do
    cat >"$TMP/$d/Makefile" <<'EOF'
TESTS = counter_test
tests: $(TESTS)
counter_test: counter.c
	$(CC) -g -O1 -pthread -o $@ counter.c
clean:
	rm -f $(TESTS)
EOF
    $CHECKS recipe docs/ci.md makefile | strip_json >>"$TMP/$d/Makefile"
done
cp "$HERE/src/counter.c" "$TMP/mk/"
sed -e 's|^static void \*worker|static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;\nstatic void *worker|' \
    -e 's|^    \*hits = \*hits + 1;|    pthread_mutex_lock(\&mu);\n    *hits = *hits + 1;\n    pthread_mutex_unlock(\&mu);|' \
    "$HERE/src/counter.c" >"$TMP/mk-fixed/counter.c"
(cd "$TMP/mk" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make check-race CRACE="$CRACE") >"$TMP/mk.log" 2>&1
rc=$?
cp "$TMP/mk.log" "$TMP/why"
if [ $rc -ne 0 ] && grep -q 'WARNING: DATA RACE' "$TMP/mk.log" &&
    $CHECKS junit "$TMP/mk/crace-reports/junit.xml" "$( [ -z "$json_note" ] && echo 1 || echo 0)" >>"$TMP/why" 2>&1 &&
    [ -s "$TMP/mk/crace-reports/report.html" ]; then
    pass "recipe: make check-race fails on a race, leaves JUnit and HTML$json_note"
else
    failed "recipe: make check-race fails on a race, leaves JUnit and HTML$json_note"
fi
(cd "$TMP/mk-fixed" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make check-race CRACE="$CRACE") >"$TMP/mk-fixed.log" 2>&1
rc=$?
check "recipe: make check-race passes once the race is fixed" \
    sh -c "[ $rc -eq 0 ] || { tail -n 25 '$TMP/mk-fixed.log'; exit 1; }"

if command -v cmake >/dev/null 2>&1; then
    for r in cmake-cc cmake-launcher; do
        mkdir "$TMP/$r"
        cp "$HERE/src/counter.c" "$TMP/$r/"
        cat >"$TMP/$r/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.13)
project(counter C)
find_package(Threads REQUIRED)
enable_testing()
add_executable(counter counter.c)
target_link_libraries(counter Threads::Threads)
add_test(NAME counter COMMAND counter)
EOF
        $CHECKS recipe docs/ci.md crace-launch >"$TMP/$r/crace-launch"
        chmod +x "$TMP/$r/crace-launch"
        $CHECKS recipe docs/ci.md $r | strip_json >"$TMP/$r/recipe.sh"
        (cd "$TMP/$r" && PATH="$BUILD/bin:$PATH" sh ./recipe.sh) >"$TMP/$r.log" 2>&1
        rc=$?
        check "recipe: $r: ctest runs the test under crace and fails on the race$json_note" \
            sh -c "[ $rc -ne 0 ] && grep -q 'WARNING: DATA RACE' '$TMP/$r.log' &&
                grep -q 'tests failed out of 1' '$TMP/$r.log' || { tail -n 25 '$TMP/$r.log'; exit 1; }"
    done
else
    skip "recipe: cmake (skipped: cmake not installed)"
fi
for y in github gitlab; do
    $CHECKS yaml docs/ci.md $y >"$TMP/yaml.out" 2>&1
    st=$?
    cp "$TMP/yaml.out" "$TMP/why"
    if grep -q '^skip' "$TMP/yaml.out"; then
        skip "recipe: $y YAML (skipped: python3-yaml not installed)"
    elif [ $st -eq 0 ]; then
        pass "recipe: the $y YAML parses and uses the files check-race writes"
    else
        failed "recipe: the $y YAML parses and uses the files check-race writes"
    fi
done

# ---------------------------------------------------------------- the writer
# The detector's own records (json_path), from real programs: see
# json_writer.sh.
if "$CRACE" run --help 2>/dev/null | grep -q '^  json_path='; then
    check "writer: json_path records of real programs validate and give the live text (json_writer.sh)" \
        sh "$HERE/json_writer.sh" "$BUILD"
else
    skip "writer: json_path (skipped: not in the detector)"
fi

if [ -n "${CRACE_REPORT_TEST_KEEP:-}" ]; then
    mkdir -p "$CRACE_REPORT_TEST_KEEP"
    cp "$TMP"/report.html "$TMP"/out.sarif "$TMP"/junit.xml "$TMP"/merged.jsonl "$CRACE_REPORT_TEST_KEEP"/ 2>/dev/null
    cp "$TMP"/shot.png "$CRACE_REPORT_TEST_KEEP"/ 2>/dev/null
fi

echo "report: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
