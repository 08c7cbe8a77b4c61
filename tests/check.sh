# tests/check.sh: the checks the shell test scripts share, sourced after
# they set TMP (a scratch directory). `check NAME CMD...` runs CMD, prints
# "ok   NAME" or "FAIL NAME" with what CMD printed, and counts both in
# $passed and $failed; the predicates below print why when they fail.
# PY: a python3 that can import jsonschema (the report checks validate
# SARIF and JSON with it), else plain python3.
PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import jsonschema' 2>/dev/null; then
        PY=$p
        break
    fi
done
[ -n "$PY" ] || PY=python3

passed=0 failed=0
check() {
    name=$1
    shift
    if "$@" >"$TMP/why" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed -e 's/^/     /' "$TMP/why" | head -n 30
    fi
}
is() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }
has() { grep -q -F -e "$2" "$1" || { echo "no '$2' in:"; head -n 30 "$1"; return 1; }; }
hasnt() { ! grep -q -F -e "$2" "$1" || { echo "unexpected '$2' in:"; grep -F -e "$2" "$1" | head; return 1; }; }
# status WANT GOT LOG: the status, with the log when it is wrong.
status() { [ "$1" = "$2" ] || { echo "status $2, want $1"; tail -n 30 "$3"; return 1; }; }
