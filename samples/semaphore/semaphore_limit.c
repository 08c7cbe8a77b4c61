/*
 * semaphore, correct: a buffered channel bounds how many goroutines do
 * something at once.
 *
 * Ten downloads start together, but each must first put a token into
 * `tokens`, a channel with room for three, and takes it out when done:
 * a fourth download's send blocks until one of the three finishes (Go's
 * `sem := make(chan struct{}, 3)`; `sem <- struct{}{}`; `<-sem`). The
 * elements are empty (size 0): only the count matters. The in-flight
 * counter is atomic, the results are written before waitgroup_done and
 * read after waitgroup_wait: crace is silent.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_DOWNLOADS 10
#define MAX_PARALLEL 3

static chan_t *tokens;
static waitgroup_t wg = WAITGROUP_INIT;
static atomic_int in_flight, most_in_flight;
static int sizes[N_DOWNLOADS];

static void download(void *arg)
{
    int *i = arg;
    chan_send(tokens, NULL); /* acquire: blocks while MAX_PARALLEL are running */
    int now = atomic_fetch_add(&in_flight, 1) + 1;
    int most = atomic_load(&most_in_flight);
    while (now > most && !atomic_compare_exchange_weak(&most_in_flight, &most, now))
        ;
    usleep(20 * 1000); /* simulated transfer */
    sizes[*i] = 1000 + *i;
    atomic_fetch_sub(&in_flight, 1);
    chan_recv(tokens, NULL); /* release */
    waitgroup_done(&wg);
}

int main(void)
{
    static int ids[N_DOWNLOADS];
    tokens = chan_make(0, MAX_PARALLEL);
    for (int i = 0; i < N_DOWNLOADS; i++) {
        ids[i] = i;
        waitgroup_add(&wg, 1);
        go(download, &ids[i]);
    }
    waitgroup_wait(&wg);
    int total = 0;
    for (int i = 0; i < N_DOWNLOADS; i++)
        total += sizes[i];
    printf("downloaded %d files, %d bytes\n", N_DOWNLOADS, total);
    printf("never more than %d at once: %s\n", MAX_PARALLEL,
           atomic_load(&most_in_flight) <= MAX_PARALLEL ? "yes" : "no");
    chan_free(tokens);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: downloaded 10 files, 10045 bytes
// EXPECT: never more than 3 at once: yes
// EXPECT-NOT: WARNING
