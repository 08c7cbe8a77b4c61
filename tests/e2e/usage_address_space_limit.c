/* Under an address-space limit (`ulimit -v`) too small for the detector's
 * tables, which are reserved rather than used, the program stops before
 * main with exit status 1 and a message that names the limit and how far
 * to raise it, rather than a bare "cannot map". The program sets the limit
 * itself (1 GiB; it runs natively in far less) and runs itself again. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    (void)argc;
    if (getenv("AS_LIMITED")) {
        printf("main ran under the limit\n");
        return 0;
    }
    struct rlimit lim = {1ul << 30, 1ul << 30};
    if (setrlimit(RLIMIT_AS, &lim) != 0 || setenv("AS_LIMITED", "1", 1) != 0) {
        perror("limit");
        return 2;
    }
    execv("/proc/self/exe", argv);
    perror("execv");
    return 2;
}

// EXPECT-EXIT: 1
// EXPECT-COUNT: 1 the address-space limit (ulimit -v) is 1024 MiB, and crace reserves about 4.5 GiB beyond what the program needs
// EXPECT-COUNT: 1 raise the limit by 5 GiB or more, or lift it (`ulimit -v unlimited`)
// EXPECT-NOT: main ran
// EXPECT-NOT: WARNING
