/* A module built by an older crace, run with this libcrace.so while the
 * older crace's stub is still where the program finds it (two
 * installations, a cached build): the stub lets it past the loader, and
 * the module's constructor then registers itself under the older name
 * (crace_hist_text_add). Its inlined checks would misread this version's
 * thread records: the program must stop at once with exit status 1 and a
 * message that names the file and what to do, not run on unchecked or
 * crash. This program makes the older module's call itself, from a
 * constructor, as such a module would. */
#include <stdint.h>
#include <stdio.h>

extern void crace_hist_text_add(uintptr_t lo, uintptr_t hi) __attribute__((weak));

static int worker(int x)
{
    return x * 2;
}

__attribute__((constructor)) static void older_module_start(void)
{
    if (crace_hist_text_add)
        crace_hist_text_add((uintptr_t)worker, (uintptr_t)worker + 16);
}

int main(void)
{
    printf("main ran: %d\n", worker(21));
    return 0;
}

// EXPECT-EXIT: 1
// EXPECT-COUNT: 1 usage_old_fast_path_module was built by another version of crace: its inlined checks (fast path) do not match this libcrace.so's
// EXPECT-COUNT: 1 Rebuild it with this version's `crace cc`, or run it with the libcrace.so of the crace that built it
// EXPECT-NOT: main ran
