#!/bin/sh
# tests/cc/run.sh [BUILD_DIR]: what `crace cc` builds, with gcc and with
# clang: no ThreadSanitizer runtime (ldd), the stub and the access fast
# path linked in (the instrumentation's calls to __tsan_readN/writeN stay
# inside the program: nothing to bind at run time), the program runs
# natively without a report, and under the detector the race is found by
# the fast path it carries. A program run against a stub of another
# version of the fast-path contract stops at start-up, naming the symbol,
# instead of running without detection. A program built with the
# compiler's own ThreadSanitizer (or clang's AddressSanitizer) and run
# under the detector stops at start-up, naming the runtime and what to do,
# instead of hanging in the two runtimes' interceptors. One line per
# check, then "crace cc: N passed, N failed".
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
BUILD=${1:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
CRACE=$BUILD/bin/crace
cd "$ROOT" || exit 1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/crace-cc-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

. "$ROOT/tests/check.sh"

# The ABI version the archive was built for, from the symbol it needs.
abi=$(nm "$BUILD/lib/libcrace_fast.a" | sed -n 's/^ *U \(crace_fast_abi_[0-9]*\)$/\1/p')
check "libcrace_fast.a needs a crace_fast_abi_N symbol" test -n "$abi"

for cc in gcc clang; do
    exe=$TMP/racy-$cc
    if ! CRACE_CC=$cc "$CRACE" cc -std=gnu11 -O1 -g -pthread -o "$exe" tests/e2e/race_global_counter.c \
        >"$TMP/cc.log" 2>&1; then
        echo "FAIL [$cc] building tests/e2e/race_global_counter.c"
        cat "$TMP/cc.log"
        failed=$((failed + 1))
        continue
    fi

    ldd "$exe" >"$TMP/ldd" 2>&1
    check "[$cc] ldd: the stub, no ThreadSanitizer runtime" sh -c \
        "grep -q libcrace_stub.so '$TMP/ldd' && ! grep -q -e libtsan -e clang_rt '$TMP/ldd' || cat '$TMP/ldd'"

    readelf --dyn-syms -W "$exe" >"$TMP/dynsyms" 2>&1
    check "[$cc] __tsan_read/write are the program's own, not imported" \
        sh -c "! grep -E ' UND (__tsan_(unaligned_|volatile_)?(read|write)[0-9]+)\$' '$TMP/dynsyms' || exit 1"
    check "[$cc] the program imports $abi" has "$TMP/dynsyms" " UND $abi"
    # A linker that drops unreferenced sections keeps the version check.
    if CRACE_CC=$cc "$CRACE" cc -std=gnu11 -O1 -pthread -Wl,--gc-sections -o "$exe-gc" \
        tests/e2e/race_global_counter.c >"$TMP/cc-gc.log" 2>&1; then
        readelf --dyn-syms -W "$exe-gc" >"$TMP/dynsyms-gc" 2>&1
        check "[$cc] --gc-sections: the program still imports $abi" has "$TMP/dynsyms-gc" " UND $abi"
    else
        check "[$cc] --gc-sections: builds" sh -c "cat '$TMP/cc-gc.log'; exit 1"
    fi
    nm "$exe" >"$TMP/nm" 2>&1
    check "[$cc] the fast path is linked in (__tsan_write4 defined)" \
        sh -c "grep -q -E ' [Tt] __tsan_write4\$' '$TMP/nm' || { grep __tsan_write4 '$TMP/nm'; exit 1; }"
    check "[$cc] ... and hidden (not exported)" hasnt "$TMP/dynsyms" "__tsan_write4"

    "$exe" >"$TMP/native.out" 2>&1
    st=$?
    check "[$cc] runs natively: exit 0" status 0 "$st" "$TMP/native.out"
    check "[$cc] runs natively: no report" hasnt "$TMP/native.out" "WARNING"

    "$CRACE" run --quiet --out "$TMP/reports-$cc" "$exe" >"$TMP/run.out" 2>&1
    st=$?
    check "[$cc] under the detector: exit 66" status 66 "$st" "$TMP/run.out"
    check "[$cc] under the detector: the race, with its line" \
        has "$TMP/run.out" "tests/e2e/race_global_counter.c:"

    # A source in a subdirectory, named relative to where the compiler
    # ran: gcc's line table names it relative to the compilation
    # directory. The report shows it whole, as it shows the main file.
    mkdir -p "$TMP/proj-$cc/sub"
    cat >"$TMP/proj-$cc/sub/bump.c" <<'SRC'
int shared;
void bump(void) { shared++; }
SRC
    cat >"$TMP/proj-$cc/main.c" <<'SRC'
#include <pthread.h>
void bump(void);
static void *worker(void *arg) { (void)arg; bump(); return 0; }
int main(void)
{
    pthread_t t;
    pthread_create(&t, 0, worker, 0);
    bump();
    pthread_join(t, 0);
    return 0;
}
SRC
    (cd "$TMP/proj-$cc" && CRACE_CC=$cc "$CRACE" cc -O1 -g -pthread -o prog main.c sub/bump.c) >"$TMP/proj.log" 2>&1 &&
        "$CRACE" run --quiet --out "$TMP/proj-reports-$cc" "$TMP/proj-$cc/prog" >"$TMP/proj.out" 2>&1
    check "[$cc] a file in a subdirectory is shown with its whole path" \
        has "$TMP/proj.out" "      $TMP/proj-$cc/sub/bump.c:2 "
    check "[$cc] ... as the main file is" has "$TMP/proj.out" "      $TMP/proj-$cc/main.c:"

    # Fences are supported: gcc's warning that -fsanitize=thread does not
    # support them (given for the builtin written out, as in a project's
    # own barrier macros; <stdatomic.h>'s is a system header's, not
    # warned about) must not stop a -Werror build.
    cat >"$TMP/fences.c" <<'SRC'
int data, flag;
void publish(void)
{
    data = 1;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    __atomic_store_n(&flag, 1, __ATOMIC_RELAXED);
}
SRC
    CRACE_CC=$cc "$CRACE" cc -O1 -Werror -c -o "$TMP/fences-$cc.o" "$TMP/fences.c" >"$TMP/fences.log" 2>&1
    st=$?
    check "[$cc] -Werror: a program with fences builds, no warning" sh -c \
        "[ $st -eq 0 ] && ! grep -q warning '$TMP/fences.log' || { cat '$TMP/fences.log'; exit 1; }"

    # The compiler's own ThreadSanitizer, not `crace cc`: its runtime
    # intercepts what the detector intercepts (a pthread_create under both
    # never returned).
    if $cc -fsanitize=thread -O1 -g -pthread -o "$exe-tsan" tests/e2e/race_global_counter.c \
        >"$TMP/tsan.log" 2>&1; then
        timeout 60 "$CRACE" run --quiet --out "$TMP/tsan-reports-$cc" "$exe-tsan" >"$TMP/tsan.out" 2>&1
        st=$?
        check "[$cc] built with -fsanitize=thread: refused, exit 1" status 1 "$st" "$TMP/tsan.out"
        check "[$cc] ... naming the runtime and the way out" has "$TMP/tsan.out" \
            "carries ThreadSanitizer's runtime"
        check "[$cc] ... which is to build with crace cc" has "$TMP/tsan.out" \
            "Build the program with \`crace cc\` (CC='crace cc') in place of -fsanitize=thread"
    else
        check "[$cc] -fsanitize=thread: builds" sh -c "cat '$TMP/tsan.log'; exit 1"
    fi

    # A stub from another version of the contract: everything but this
    # version's symbol. The loader finds it first (LD_LIBRARY_PATH comes
    # before the program's runpath).
    mkdir -p "$TMP/other"
    cat >"$TMP/other/stub.c" <<'SRC'
__thread void *crace_cur;
const char crace_fast_abi_0 = 1;
SRC
    cc -shared -fPIC -o "$TMP/other/libcrace_stub.so" "$TMP/other/stub.c" >"$TMP/other.log" 2>&1 ||
        { echo "FAIL building the other stub"; cat "$TMP/other.log"; failed=$((failed + 1)); continue; }
    LD_LIBRARY_PATH=$TMP/other "$exe" >"$TMP/other.out" 2>&1
    st=$?
    check "[$cc] another version's stub: refused at start-up" sh -c "[ $st -ne 0 ] || { echo 'exit 0'; exit 1; }"
    check "[$cc] another version's stub: the symbol is named" has "$TMP/other.out" "$abi"
done

# clang's AddressSanitizer, linked into the program (gcc's refuses to
# start under any preloaded library by itself).
if clang -fsanitize=address -O1 -g -pthread -o "$TMP/racy-asan" tests/e2e/race_global_counter.c \
    >"$TMP/asan.log" 2>&1; then
    timeout 60 "$CRACE" run --quiet --out "$TMP/asan-reports" "$TMP/racy-asan" >"$TMP/asan.out" 2>&1
    st=$?
    check "[clang] built with -fsanitize=address: refused, exit 1" status 1 "$st" "$TMP/asan.out"
    check "[clang] ... naming the runtime" has "$TMP/asan.out" "carries AddressSanitizer's runtime"
else
    check "[clang] -fsanitize=address: builds" sh -c "cat '$TMP/asan.log'; exit 1"
fi

echo "crace cc: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
