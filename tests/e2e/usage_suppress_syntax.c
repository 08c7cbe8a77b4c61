/* A suppression file with a bad line (an unknown type, a typo for race)
 * is a usage error: the program stops before main with exit status 1 and
 * a message naming the file, the line and the types expected, rather than
 * run with a rule silently missing. */
#include <stdio.h>

int main(void)
{
    printf("main ran\n");
    return 0;
}

// ENV: CRACE_OPTIONS=suppressions='{{SRCDIR}}/supp/bad.supp'
// EXPECT-EXIT: 1
// EXPECT-COUNT: 1 /supp/bad.supp:3: unknown type 'rase' (expected race, deadlock, leak, misuse or called_from_lib)
// EXPECT-COUNT: 1 crace: suppressions file /
// EXPECT-NOT: main ran
// EXPECT-NOT: WARNING
