/* Messages passed by release read-modify-writes, read after acquire
 * loads, as fast as two threads can: a stream of slots published with a
 * release fetch_add, and a lock-free stack (Treiber's) whose nodes are
 * filled before a release compare-exchange pushes them and read after an
 * acquire load pops them. Race-free. A detector that performs the real
 * atomic operation apart from its clock operation lets the consumer read a
 * new value before the producer's release reaches the object, acquire too
 * little, and report the plain reads as races: this program hit that
 * window in five runs of six. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define SLOTS 300000
#define NODES 20000

static int slot[SLOTS];
static atomic_int published;

struct node {
    int value;
    struct node *next;
};
static struct node nodes[NODES];
static _Atomic(struct node *) top;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < SLOTS; i++) {
        slot[i] = i;
        atomic_fetch_add_explicit(&published, 1, memory_order_release);
    }
    for (int i = 0; i < NODES; i++) {
        struct node *n = &nodes[i];
        n->value = i;
        n->next = atomic_load_explicit(&top, memory_order_relaxed);
        while (!atomic_compare_exchange_weak_explicit(&top, &n->next, n, memory_order_release,
                                                      memory_order_relaxed))
            ;
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    long sum = 0;
    for (int i = 0; i < SLOTS; i++) {
        while (atomic_load_explicit(&published, memory_order_acquire) <= i)
            ;
        sum += slot[i];
    }
    /* Pops until every node came out; no node is pushed twice, so there
     * is no ABA. */
    long popped = 0, values = 0;
    while (popped < NODES) {
        struct node *n = atomic_load_explicit(&top, memory_order_acquire);
        if (!n)
            continue;
        if (atomic_compare_exchange_strong_explicit(&top, &n, n->next, memory_order_acquire,
                                                    memory_order_relaxed)) {
            values += n->value;
            popped++;
        }
    }
    printf("slots %ld nodes %ld\n", sum, values);
    return NULL;
}

int main(void)
{
    pthread_t p, c;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: slots 44999850000 nodes 199990000
// EXPECT-NOT: WARNING
