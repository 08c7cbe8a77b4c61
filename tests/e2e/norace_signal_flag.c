/* Handlers that communicate correctly. A worker waits for a signal that
 * main sends it with pthread_kill: the handler counts into a variable only
 * the worker itself uses, sets a volatile sig_atomic_t flag the worker
 * polls, and reads a message main wrote before sending (sending a signal
 * happens before its handler runs). A second round goes through an
 * atomic flag with release and acquire. Silent. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char message[32];
static volatile sig_atomic_t got;
static atomic_int got_atomic;
static int handled; /* only the worker, in its handler and after */
static char seen[32];
static atomic_int ready;

static void handler(int sig)
{
    (void)sig;
    handled++;
    memcpy(seen, message, sizeof(seen));
    got = 1;
    atomic_store_explicit(&got_atomic, 1, memory_order_release);
}

static void *worker(void *arg)
{
    (void)arg;
    atomic_store(&ready, 1);
    while (!got)
        ;
    while (!atomic_load_explicit(&got_atomic, memory_order_acquire))
        ;
    printf("worker: handled %d, message '%s'\n", handled, seen);
    return NULL;
}

int main(void)
{
    struct sigaction sa = {.sa_handler = handler};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t t;
    pthread_create(&t, NULL, worker, NULL);
    while (!atomic_load(&ready))
        usleep(1000);
    strcpy(message, "hello");
    pthread_kill(t, SIGUSR1);
    pthread_join(t, NULL);
    struct sigaction back;
    sigaction(SIGUSR1, NULL, &back);
    printf("handler reported back: %s\n", back.sa_handler == handler ? "yes" : "no");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: worker: handled 1, message 'hello'
// EXPECT: handler reported back: yes
// EXPECT-NOT: WARNING
