/* The race-free twin of race_early_return_frames.c: the same functions
 * with early returns (no function entry and exit on that path under crace
 * cc's gcc plugin), the shared total bumped under a mutex. Silent. */
#include <pthread.h>
#include <stdio.h>

struct node {
    struct node *next;
    int val;
};

static struct node list[3] = {{&list[1], 1}, {&list[2], 2}, {NULL, 3}};
static int total;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static int sum(const struct node *n)
{
    if (!n)
        return 0;
    return n->val + sum(n->next);
}

__attribute__((noinline)) static void bump(int *p, int by)
{
    if (!p)
        return;
    *p += by;
}

__attribute__((noinline)) static void tally(int *to)
{
    int s = 0;
    for (int i = 0; i < 1000; i++) {
        s += sum(list);
        bump(NULL, s);
    }
    pthread_mutex_lock(&mu);
    bump(to, s);
    pthread_mutex_unlock(&mu);
}

static void *worker(void *arg)
{
    tally(arg);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, worker, &total);
    pthread_create(&b, NULL, worker, &total);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("total=%d\n", total);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: total=12000
// EXPECT-NOT: WARNING
