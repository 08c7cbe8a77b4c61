/* libc's string scans read their strings, as far as they scan them, and
 * strtok writes a terminator into the one it splits: a worker calls
 * strspn, strcspn, strpbrk, strcasecmp, strncasecmp, strtok (twice, the
 * second time from its hidden position) and strtok_r on shared buffers;
 * main, after a sleep, which orders nothing, writes a byte each call read
 * (or reads a terminator strtok wrote). One race per call, at the call's
 * line. main also writes the byte right after where each call stopped:
 * those race with nothing. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static char span[] = "abcabcXYZ";    /* strspn(span, "abc") reads up to the X */
static char field[] = "name;rest";
static char reject[] = ";:";         /* strcspn reads the whole set */
static char pair[] = "key=value";    /* strpbrk(pair, "=:") reads up to the = */
static char upper[] = "HELLO world"; /* strcasecmp reads up to the w */
static char lower[] = "hello there";
static char ncase[] = "HELLO";       /* strncasecmp(ncase, "help", 3) reads 3 */
static char tok[] = "one,two;three";
static char words[] = "left right";

static size_t spanned, rejected;
static char *found, *first, *second, *left;
static int cmp, ncmp;

static void *worker(void *arg)
{
    (void)arg;
    spanned = strspn(span, "abc"); // LINE:strspn
    rejected = strcspn(field, reject); // LINE:strcspn
    found = strpbrk(pair, "=:"); // LINE:strpbrk
    cmp = strcasecmp(upper, lower); // LINE:strcasecmp
    ncmp = strncasecmp(ncase, "help", 3); // LINE:strncasecmp
    first = strtok(tok, ",;"); // LINE:strtok_first
    second = strtok(NULL, ",;"); // LINE:strtok_next
    char *save;
    left = strtok_r(words, " ", &save); // LINE:strtok_r
    return NULL;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    usleep(200 * 1000);
    span[6] = 'x'; // LINE:span
    span[7] = 'y';
    reject[1] = ','; // LINE:reject
    field[5] = 'R';
    pair[3] = ':'; // LINE:pair
    pair[4] = 'V';
    upper[3] = 'l'; // LINE:upper
    upper[7] = 'O';
    lower[7] = 'H';
    ncase[2] = 'l'; // LINE:ncase
    ncase[3] = 'l';
    char end = tok[3]; // LINE:tok_end
    tok[5] = 'W'; // LINE:tok_next
    tok[9] = 'H';
    words[0] = 'L'; // LINE:words
    words[5] = 'R';
    pthread_join(t, NULL);
    printf("%zu %zu %s %d %d %s %s %s %d\n", spanned, rejected, found, cmp > 0, ncmp == 0, first, second, left,
           end == '\0');
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 6 4 :Value 1 1 one tWo Left 1
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:span}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:strspn}} {{OFF}}
// EXPECT: Location is global 'span' of size 10 at {{ADDR}} (race_libc_string_scans+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:reject}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:strcspn}} {{OFF}}
// EXPECT: Location is global 'reject' of size 3 at {{ADDR}} (race_libc_string_scans+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:pair}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:strpbrk}} {{OFF}}
// EXPECT: Location is global 'pair' of size 10 at {{ADDR}} (race_libc_string_scans+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:upper}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:strcasecmp}} {{OFF}}
// EXPECT: Location is global 'upper' of size 12 at {{ADDR}} (race_libc_string_scans+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:ncase}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:strncasecmp}} {{OFF}}
// EXPECT: Location is global 'ncase' of size 6 at {{ADDR}} (race_libc_string_scans+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:tok_end}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:strtok_first}} {{OFF}}
// EXPECT: Location is global 'tok' of size 14 at {{ADDR}} (race_libc_string_scans+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:tok_next}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:strtok_next}} {{OFF}}
// EXPECT: Location is global 'tok' of size 14 at {{ADDR}} (race_libc_string_scans+{{ADDR}})
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:       {{FILE}}:{{LINE:words}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:strtok_r}} {{OFF}}
// EXPECT: Location is global 'words' of size 11 at {{ADDR}} (race_libc_string_scans+{{ADDR}})
// EXPECT: Found 8 data race(s)
// EXPECT-COUNT: 8 WARNING: DATA RACE
