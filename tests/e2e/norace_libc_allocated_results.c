/* The twin of race_libc_allocated_results: the strings libc wrote into
 * blocks it allocated (asprintf, getcwd(NULL, 0), realpath(path, NULL))
 * are handed to main with a release store and an acquire load, which
 * order libc's writes before main's reads: no report. */
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
    atomic_store_explicit(&text, s, memory_order_release);
    atomic_store_explicit(&cwd, getcwd(NULL, 0), memory_order_release); // LINE:getcwd
    atomic_store_explicit(&real, realpath("/", NULL), memory_order_release); // LINE:realpath
    return NULL;
}

static char *wait_for(_Atomic(char *) *p)
{
    char *s;
    while (!(s = atomic_load_explicit(p, memory_order_acquire)))
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

// EXPECT-EXIT: 0
// EXPECT: e / /
// EXPECT-NOT: WARNING
