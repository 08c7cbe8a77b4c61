/*
 * healthcheck, correct: check N endpoints in parallel and collect each
 * result, with its latency, over a buffered channel.
 *
 * One goroutine per endpoint probes it (simulated latency, no network)
 * and sends a result; main receives exactly N results. The channel has
 * room for all N, so no checker ever waits on main (had main given up
 * early, none would leak). Each send happens before its receive, so main
 * reads each result fully written, and nothing is shared otherwise:
 * crace is silent. (Go: `results := make(chan result, len(endpoints))`.)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <gochan.h>

#define N_ENDPOINTS 4
#define SLOW_MS 500

struct endpoint {
    const char *name;
    int latency_ms; /* simulated */
    bool up;
};

static const struct endpoint endpoints[N_ENDPOINTS] = {
    {"api", 20, true},
    {"db", 150, true},
    {"cache", 400, false},
    {"search", 600, true},
};

struct result {
    int index;
    bool up;
    int64_t latency_ms;
};

struct checker {
    int index;
    chan_t *results;
};

static bool probe(const struct endpoint *e)
{
    usleep((useconds_t)e->latency_ms * 1000);
    return e->up;
}

static void check(void *arg)
{
    struct checker *c = arg;
    int64_t start = gochan_now();
    bool up = probe(&endpoints[c->index]);
    struct result r = {c->index, up, (gochan_now() - start) / 1000000};
    chan_send(c->results, &r); /* room for every result: never waits */
}

int main(void)
{
    chan_t *results = chan_make(sizeof(struct result), N_ENDPOINTS);
    struct checker checkers[N_ENDPOINTS];
    for (int i = 0; i < N_ENDPOINTS; i++) {
        checkers[i] = (struct checker){i, results};
        go(check, &checkers[i]);
    }
    struct result by_endpoint[N_ENDPOINTS];
    for (int i = 0; i < N_ENDPOINTS; i++) {
        struct result r;
        chan_recv(results, &r);
        by_endpoint[r.index] = r;
    }
    for (int i = 0; i < N_ENDPOINTS; i++) {
        const struct result *r = &by_endpoint[i];
        printf("%-6s %s%s\n", endpoints[i].name, r->up ? "up" : "down",
               r->up && r->latency_ms >= SLOW_MS ? ", slow" : "");
    }
    chan_free(results);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: api    up
// EXPECT: db     up
// EXPECT: cache  down
// EXPECT: search up, slow
// EXPECT-NOT: WARNING
