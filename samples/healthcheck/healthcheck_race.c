/*
 * healthcheck, buggy: the checkers append their results to a shared
 * array ("slice") and its length, with no synchronisation.
 *
 * The bug: each checker reads n_results, stores its result in that
 * slot, and writes n_results + 1 (Go: `results = append(results, r)` on
 * a slice shared by goroutines). Two checkers finishing together read the
 * same length, write the same slot, and one result is lost; the
 * WaitGroup makes main's reads safe, but does nothing for the checkers
 * among themselves. Here the latencies differ enough that no result is
 * lost on this run; crace reports the race regardless (status 66).
 *
 * The fix (healthcheck_chan.c): send the results over a buffered
 * channel; or take a mutex around the append.
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

static struct result results[N_ENDPOINTS]; /* shared: the bug */
static int n_results;
static waitgroup_t wg = WAITGROUP_INIT;

static bool probe(const struct endpoint *e)
{
    usleep((useconds_t)e->latency_ms * 1000);
    return e->up;
}

static void check(void *arg)
{
    int index = *(int *)arg;
    int64_t start = gochan_now();
    bool up = probe(&endpoints[index]);
    struct result r = {index, up, (gochan_now() - start) / 1000000};
    int i = n_results; // LINE:read
    printf("checked %s (%d so far)\n", endpoints[index].name, i + 1);
    results[i] = r;
    n_results = i + 1; // LINE:write
    waitgroup_done(&wg);
}

int main(void)
{
    static int indexes[N_ENDPOINTS];
    for (int i = 0; i < N_ENDPOINTS; i++) {
        indexes[i] = i;
        waitgroup_add(&wg, 1);
        go(check, &indexes[i]); // LINE:go
    }
    waitgroup_wait(&wg);
    struct result by_endpoint[N_ENDPOINTS] = {{0}};
    for (int i = 0; i < n_results; i++)
        by_endpoint[results[i].index] = results[i];
    for (int i = 0; i < N_ENDPOINTS; i++) {
        const struct result *r = &by_endpoint[i];
        printf("%-6s %s%s\n", endpoints[i].name, r->up ? "up" : "down",
               r->up && r->latency_ms >= SLOW_MS ? ", slow" : "");
    }
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: checked api (1 so far)
// EXPECT: checked db (2 so far)
// EXPECT: checked cache (3 so far)
// EXPECT: checked search (4 so far)
// EXPECT: api    up
// EXPECT: db     up
// EXPECT: cache  down
// EXPECT: search up, slow
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by goroutine 3:
// EXPECT:   check()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   check()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'n_results' of size 4 at {{ADDR}} (healthcheck_race+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 3 (running) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
