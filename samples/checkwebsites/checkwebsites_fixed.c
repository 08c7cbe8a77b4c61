/*
 * checkwebsites, fixed: each goroutine sends its result over a channel,
 * and main receives exactly one result per URL. A send happens before the
 * matching receive completes, so main reads nothing a checker is still
 * writing, and no result is missing however slow a checker is.
 */
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

struct result {
    int index;
    bool up;
};

struct job {
    int index;
    chan_t *results;
};

static void checker(void *arg)
{
    struct job *j = arg;
    struct result r = {j->index, check_website(urls[j->index])};
    chan_send(j->results, &r);
}

int main(void)
{
    chan_t *results = chan_make(sizeof(struct result), 0);
    struct job jobs[N_URLS];
    for (int i = 0; i < N_URLS; i++) {
        jobs[i] = (struct job){i, results};
        go(checker, &jobs[i]);
    }
    bool up[N_URLS];
    for (int i = 0; i < N_URLS; i++) {
        struct result r;
        chan_recv(results, &r);
        up[r.index] = r.up;
    }
    for (int i = 0; i < N_URLS; i++)
        printf("%s: %s\n", urls[i], up[i] ? "up" : "down");
    chan_free(results);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: https://example.org: up
// EXPECT: https://example.com/slow: up
// EXPECT: https://example.net: up
// EXPECT: waat://furhurterwe.geds: down
// EXPECT-NOT: WARNING
// EXPECT-NOT: Found
