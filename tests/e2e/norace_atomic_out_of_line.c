/* Atomics the compilers leave to libatomic, out of line: a lock-free
 * stack whose head is a 16-byte {pointer, tag} pair updated with a
 * compare-and-swap (clang without -mcx16 calls __atomic_compare_exchange
 * and __atomic_load; gcc calls the 16-byte entry points of the compiler
 * ABI), a 16-byte counter (clang: __atomic_fetch_add_16), and a 24-byte
 * _Atomic struct published with a release store and read with an
 * acquire load (both compilers: __atomic_store and __atomic_load). Each
 * node's payload is written before its push and read after its pop, the
 * config's fields before its store and after its load: ordered by the
 * release and acquire of those calls, no race. ThreadSanitizer (clang's)
 * reports the payloads: it does not see the calls. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#define PER_THREAD 2000

struct node {
    struct node *next;
    long payload;
};

struct head {
    struct node *top;
    uintptr_t tag;
} __attribute__((aligned(16)));

static struct head stack; /* only through __atomic_* calls */
static unsigned __int128 pushes;
static struct node nodes[2][PER_THREAD];

struct config {
    long version;
    long *table;
    long size;
};
static _Atomic struct config current;
static long tables[2][4];

static void push(struct node *n)
{
    struct head old, nw;
    __atomic_load(&stack, &old, __ATOMIC_ACQUIRE);
    do {
        n->next = old.top;
        nw.top = n;
        nw.tag = old.tag + 1;
    } while (!__atomic_compare_exchange(&stack, &old, &nw, 0, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE));
    __atomic_fetch_add(&pushes, 1, __ATOMIC_RELAXED);
}

static struct node *pop(void)
{
    struct head old, nw;
    __atomic_load(&stack, &old, __ATOMIC_ACQUIRE);
    do {
        if (!old.top)
            return NULL;
        nw.top = old.top->next;
        nw.tag = old.tag + 1;
    } while (!__atomic_compare_exchange(&stack, &old, &nw, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
    return old.top;
}

static void *producer(void *arg)
{
    struct node *mine = nodes[(intptr_t)arg];
    for (int i = 0; i < PER_THREAD; i++) {
        mine[i].payload = i; /* before the push */
        push(&mine[i]);
    }
    long *t = tables[(intptr_t)arg];
    for (int i = 0; i < 4; i++)
        t[i] = i * 10;
    struct config c = {(intptr_t)arg + 1, t, 4};
    atomic_store_explicit(&current, c, memory_order_release);
    return NULL;
}

int main(void)
{
    pthread_t th[2];
    for (intptr_t i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, producer, (void *)i);
    long sum = 0, popped = 0;
    while (popped < 2 * PER_THREAD) {
        struct node *n = pop();
        if (n) {
            sum += n->payload; /* after the pop */
            popped++;
        }
    }
    /* Until a config is published, then what it points to. */
    struct config c;
    do
        c = atomic_load_explicit(&current, memory_order_acquire);
    while (!c.table);
    for (long i = 0; i < c.size; i++)
        sum += c.table[i] - i * 10;
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    printf("popped %ld, sum %ld, pushes %lu\n", popped, sum, (unsigned long)__atomic_load_n(&pushes, __ATOMIC_RELAXED));
    return 0;
}

// LIBS: -latomic
// EXPECT-EXIT: 0
// EXPECT: popped 4000, sum 3998000, pushes 4000
// EXPECT-NOT: WARNING
