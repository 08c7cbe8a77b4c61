/*
 * checkwebsites, buggy: one goroutine per URL writes its result into a
 * shared table, and main "waits" by sleeping.
 *
 * The bug: the goroutines write `status` while main reads it, with
 * nothing ordering the two (a sleep is not synchronisation), so this is a
 * data race; and a checker slower than the sleep is simply missing from
 * the output.
 *
 * The fix (checkwebsites_fixed.c): each goroutine sends its result over a
 * channel and main receives exactly one result per URL.
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

struct job {
    int index;
};

enum { NO_RESULT, UP, DOWN };
static int status[N_URLS]; /* NO_RESULT until its checker is done */

static void checker(void *arg)
{
    struct job *j = arg;
    bool up = check_website(urls[j->index]);
    status[j->index] = up ? UP : DOWN; // LINE:write
}

int main(void)
{
    static struct job jobs[N_URLS];
    for (int i = 0; i < N_URLS; i++) {
        jobs[i].index = i;
        go(checker, &jobs[i]); // LINE:go
    }
    struct timespec wait = {0, 200 * 1000 * 1000};
    nanosleep(&wait, NULL); /* not a wait: the bug */
    for (int i = 0; i < N_URLS; i++) {
        if (status[i] == NO_RESULT) { // LINE:read
            printf("%s: (no result)\n", urls[i]);
            continue;
        }
        printf("%s: %s\n", urls[i], status[i] == UP ? "up" : "down");
    }
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: https://example.org: up
// EXPECT: https://example.net: up
// EXPECT: waat://furhurterwe.geds: down
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT:
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   checker()
// EXPECT:       {{FILE}}:{{LINE:write}} {{OFF}}
// EXPECT:
// EXPECT: Location is global 'status' of size 16 at {{ADDR}} (checkwebsites_race+{{ADDR}})
// EXPECT:
// EXPECT: Goroutine 2 (finished) created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:go}} {{OFF}}
// EXPECT: ==================
// EXPECT: Found 1 data race(s)
// EXPECT-COUNT: 1 WARNING: DATA RACE
