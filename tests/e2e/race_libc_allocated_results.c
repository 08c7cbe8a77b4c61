/* Strings libc writes into blocks it allocates itself: asprintf's text,
 * getcwd(NULL, 0)'s and realpath(path, NULL)'s names. A worker makes
 * each and hands it to main through a relaxed atomic, which orders
 * nothing: main's read of each string races with libc's writing it, at
 * the call's line (libc's own malloc is not the program's write; its
 * copy into the block is). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static _Atomic(char *) text, cwd, real;

static void *worker(void *arg)
{
    (void)arg;
    char *s;
    if (asprintf(&s, "hello %d", 42) < 0) // LINE:asprintf
        return NULL;
    atomic_store_explicit(&text, s, memory_order_relaxed);
    atomic_store_explicit(&cwd, getcwd(NULL, 0), memory_order_relaxed); // LINE:getcwd
    atomic_store_explicit(&real, realpath("/", NULL), memory_order_relaxed); // LINE:realpath
    return NULL;
}

static char *wait_for(_Atomic(char *) *p)
{
    char *s;
    while (!(s = atomic_load_explicit(p, memory_order_relaxed)))
        usleep(1000);
    return s;
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    char *s = wait_for(&text);
    char c = s[1]; // LINE:read_text
    char *d = wait_for(&cwd);
    char first = d[0]; // LINE:read_cwd
    char *r = wait_for(&real);
    char root = r[0]; // LINE:read_real
    pthread_join(t, NULL);
    printf("%c %c %c\n", c, first, root);
    free(s);
    free(d);
    free(r);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: e / /
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read_text}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:asprintf}} {{OFF}}
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read_cwd}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:getcwd}} {{OFF}}
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read_real}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:realpath}} {{OFF}}
// EXPECT-COUNT: 3 WARNING: DATA RACE
