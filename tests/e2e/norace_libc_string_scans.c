/* The twin of race_libc_string_scans: the same calls on the same
 * buffers, and main's writes to the bytes they read come after joining
 * the worker: no report. While the worker runs, main writes the byte
 * right after where each call stops reading (a scan reads no further
 * than the byte that ends it, a comparison no further than its first
 * difference or its limit): no report either. After the join main goes
 * on splitting tok with strtok(NULL, ...), from the position strtok kept
 * for the worker's calls: libc's, not the program's memory. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static char span[] = "abcabcXYZ";
static char field[] = "name;rest";
static char reject[] = ";:";
static char pair[] = "key=value";
static char upper[] = "HELLO world";
static char lower[] = "hello there";
static char ncase[] = "HELLO";
static char tok[] = "one,two;three";
static char words[] = "left right";

static size_t spanned, rejected;
static char *found, *first, *second, *left;
static int cmp, ncmp;

static void *worker(void *arg)
{
    (void)arg;
    spanned = strspn(span, "abc");
    rejected = strcspn(field, reject);
    found = strpbrk(pair, "=:");
    cmp = strcasecmp(upper, lower);
    ncmp = strncasecmp(ncase, "help", 3);
    first = strtok(tok, ",;");
    second = strtok(NULL, ",;");
    char *save;
    left = strtok_r(words, " ", &save);
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    span[7] = 'y';
    field[5] = 'R';
    pair[4] = 'V';
    upper[7] = 'O';
    lower[7] = 'H';
    ncase[3] = 'l';
    tok[9] = 'H';
    words[5] = 'R';
    pthread_join(t, NULL);
    span[6] = 'x';
    reject[1] = ',';
    pair[3] = ':';
    upper[3] = 'l';
    ncase[2] = 'l';
    char end = tok[3];
    tok[5] = 'W';
    words[0] = 'L';
    char *third = strtok(NULL, ",;");
    printf("%zu %zu %s %d %d %s %s %s %s %d\n", spanned, rejected, found, cmp > 0, ncmp == 0, first, second, third,
           left, end == '\0');
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: 6 4 :Value 1 1 one tWo tHree Left 1
// EXPECT-NOT: WARNING
