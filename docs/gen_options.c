/* Prints docs/options.md from the one option list (detector/options.inc),
 * so the documentation cannot drift from the code: `make docs` writes it,
 * `make test` checks it is current. */
#include <stdio.h>
#include <unistd.h>

#include "options.h"

int main(void)
{
    static const char head[] =
        "# crace options\n\n"
        "Set in the `CRACE_OPTIONS` environment variable as `key=value` pairs separated by spaces\n"
        "or colons, e.g. `CRACE_OPTIONS='halt_on_error=1 log_path=reports/race'`, or given to\n"
        "`crace run` (see `crace run --help`). An unknown key or a bad value stops the program\n"
        "before `main` with a message naming it, and exit status 1.\n\n"
        "This file is generated from `detector/options.inc` by `make docs`.\n\n";
    fflush(stdout);
    if (write(1, head, sizeof(head) - 1) < 0)
        return 1;
    options_print_markdown(1);
    return 0;
}
