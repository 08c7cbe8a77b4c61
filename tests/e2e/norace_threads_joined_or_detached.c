/* Every way a thread's end is accounted for, under leak_check=running
 * (which reports a thread that finished without being joined or
 * detached): joined (pthread_join, pthread_tryjoin_np, thrd_join),
 * detached after it finished or before, created detached. No report. */
#include <pthread.h>
#include <stdio.h>
#include <threads.h>
#include <unistd.h>

static void *work(void *arg)
{
    (void)arg;
    return NULL;
}

static int c11_work(void *arg)
{
    (void)arg;
    return 0;
}

int main(void)
{
    pthread_t a, b, c, d, e;
    pthread_create(&a, NULL, work, NULL);
    pthread_join(a, NULL);
    pthread_create(&b, NULL, work, NULL);
    usleep(50 * 1000);
    pthread_detach(b); /* after it finished */
    pthread_create(&c, NULL, work, NULL);
    pthread_detach(c); /* while it may still run */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&d, &attr, work, NULL);
    pthread_attr_destroy(&attr);
    pthread_create(&e, NULL, work, NULL);
    while (pthread_tryjoin_np(e, NULL) != 0)
        usleep(1000);
    thrd_t t;
    thrd_create(&t, c11_work, NULL);
    thrd_join(t, NULL);
    usleep(100 * 1000); /* the detached ones are done */
    printf("done\n");
    return 0;
}

// ENV: CRACE_OPTIONS=leak_check=running
// EXPECT-EXIT: 0
// EXPECT: done
// EXPECT-NOT: WARNING
