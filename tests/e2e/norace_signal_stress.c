/* A thread inside the detector when a signal arrives. One thread hammers
 * a semaphore and a mutex (interceptors taking the detector's locks,
 * thousands of times), another sends it a stream of signals whose handler
 * posts the same semaphore, writes to a pipe and counts in a variable only
 * the interrupted thread uses. The handler must never run while its
 * thread holds a detector lock (it would wait for itself forever) or is
 * half-way through its own history: the detector defers it to the next
 * safe point. Must finish promptly and silently. */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

enum { ROUNDS = 300000, SIGNALS = 1000000 };

static sem_t sem;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter; /* under mu */
static volatile sig_atomic_t handled; /* the hammer thread only */
static int pipefd[2];
static atomic_int done;

static void handler(int sig)
{
    (void)sig;
    sem_post(&sem);
    char c = 'x';
    if (write(pipefd[1], &c, 1) < 0)
        return;
    handled = handled + 1;
}

static void *hammer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        sem_post(&sem);
        sem_wait(&sem);
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    atomic_store(&done, 1);
    return NULL;
}

static void *drain(void *arg)
{
    (void)arg;
    char buf[256];
    while (read(pipefd[0], buf, sizeof(buf)) > 0)
        ;
    return NULL;
}

int main(void)
{
    struct sigaction sa = {.sa_handler = handler, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sem_init(&sem, 0, 0);
    if (pipe(pipefd) != 0)
        return 1;
    pthread_t h, d;
    pthread_create(&d, NULL, drain, NULL);
    pthread_create(&h, NULL, hammer, NULL);
    int sent = 0;
    while (!atomic_load(&done) && sent < SIGNALS) {
        pthread_kill(h, SIGUSR1);
        sent++;
    }
    pthread_join(h, NULL);
    close(pipefd[1]);
    pthread_join(d, NULL);
    printf("counter=%ld, signals sent: %s, handled: %s\n", counter, sent > 0 ? "some" : "none",
           handled > 0 ? "some" : "none");
    return counter == ROUNDS ? 0 : 1;
}

// EXPECT-EXIT: 0
// EXPECT: counter=300000, signals sent: some, handled: some
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
