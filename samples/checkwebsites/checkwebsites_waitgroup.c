/*
 * checkwebsites, fixed with a WaitGroup and a mutex: the goroutines write
 * into shared state under a mutex, and main waits for all of them with a
 * WaitGroup instead of sleeping.
 *
 * waitgroup_done happens before the waitgroup_wait it releases, so once
 * the wait returns main reads every result, however slow a checker was.
 * The mutex is what makes the shared counter safe while checkers are
 * still running: two checkers may finish at the same time.
 * (Go: sync.WaitGroup, and a sync.Mutex around a map or counter.)
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gochan.h>

#define N_URLS 4

static const char *urls[N_URLS] = {
    "https://example.org",
    "https://example.com/slow",
    "https://example.net",
    "waat://furhurterwe.geds",
};

/* A website checker with simulated latency: no network. */
static bool check_website(const char *url)
{
    struct timespec d = {0, (long)(strlen(url) % 4) * 20 * 1000 * 1000};
    if (strstr(url, "slow"))
        d.tv_nsec = 400 * 1000 * 1000;
    nanosleep(&d, NULL);
    return strncmp(url, "https://", 8) == 0;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static bool results[N_URLS]; /* guarded by mu */
static int n_up;             /* guarded by mu */
static waitgroup_t wg = WAITGROUP_INIT;

struct job {
    int index;
};

static void checker(void *arg)
{
    struct job *j = arg;
    bool up = check_website(urls[j->index]);
    pthread_mutex_lock(&mu);
    results[j->index] = up;
    if (up)
        n_up++;
    pthread_mutex_unlock(&mu);
    waitgroup_done(&wg);
}

int main(void)
{
    static struct job jobs[N_URLS];
    for (int i = 0; i < N_URLS; i++) {
        jobs[i].index = i;
        waitgroup_add(&wg, 1); /* before go(): see samples/waitgroup */
        go(checker, &jobs[i]);
    }
    waitgroup_wait(&wg);
    for (int i = 0; i < N_URLS; i++)
        printf("%s: %s\n", urls[i], results[i] ? "up" : "down");
    printf("%d of %d up\n", n_up, N_URLS);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: https://example.org: up
// EXPECT: https://example.com/slow: up
// EXPECT: https://example.net: up
// EXPECT: waat://furhurterwe.geds: down
// EXPECT: 3 of 4 up
// EXPECT-NOT: WARNING
// EXPECT-NOT: Found
