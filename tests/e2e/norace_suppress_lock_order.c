/* The lock-order inversion of deadlock_lock_order_abba.c, silenced by a
 * deadlock: rule that names one of its two goroutines' functions: the
 * run is clean and the summary counts the suppressed finding. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *worker_ab(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        pthread_mutex_lock(&a);
        pthread_mutex_lock(&b);
        pthread_mutex_unlock(&b);
        pthread_mutex_unlock(&a);
    }
    return NULL;
}

static void *worker_ba(void *arg)
{
    pthread_join(*(pthread_t *)arg, NULL); /* worker_ab is done */
    for (int i = 0; i < 3; i++) {
        pthread_mutex_lock(&b);
        pthread_mutex_lock(&a);
        pthread_mutex_unlock(&a);
        pthread_mutex_unlock(&b);
    }
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker_ab, NULL);
    pthread_create(&t2, NULL, worker_ba, &t1);
    pthread_join(t2, NULL);
    printf("done\n");
    return 0;
}

// ENV: CRACE_OPTIONS=suppressions='{{SRCDIR}}/supp/lock_order.supp' report_unused_suppressions=1
// EXPECT-EXIT: 0
// EXPECT: done
// EXPECT: crace: 1 finding(s) suppressed
// EXPECT-NOT: WARNING
// EXPECT-NOT: Found
// EXPECT-NOT: unused suppression
