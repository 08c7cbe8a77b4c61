/* The mutex counter with a pthread spinlock. */
#include <pthread.h>
#include <stdio.h>

#define THREADS 4

static pthread_spinlock_t lock;
int counter;

static void *worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++) {
        pthread_spin_lock(&lock);
        counter++;
        pthread_spin_unlock(&lock);
    }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    pthread_spin_init(&lock, PTHREAD_PROCESS_PRIVATE);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_spin_destroy(&lock);
    printf("counter=%d\n", counter);
    return counter == 4000 ? 0 : 1;
}

// EXPECT-EXIT: 0
// EXPECT: counter=4000
// EXPECT-NOT: WARNING
