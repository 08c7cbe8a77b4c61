/* The race_global_counter program, fixed with a mutex: silent. */
#include <pthread.h>
#include <stdio.h>

static int counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("counter=%d\n", counter);
    return counter == 4000 ? 0 : 1;
}

// EXPECT-EXIT: 0
// EXPECT: counter=4000
// EXPECT-NOT: WARNING
