/* Memory unmapped and mapped again at the same address is new memory: a
 * thread that never synchronised with the one that wrote the old mapping
 * may write the new one (it learns that the remap happened through a
 * relaxed flag only). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

enum { SIZE = 1 << 16 };
static char *region;
static atomic_int remapped;

static void *first(void *arg)
{
    (void)arg;
    for (int i = 0; i < SIZE; i += 64)
        region[i] = 1;
    return NULL;
}

static void *second(void *arg)
{
    (void)arg;
    while (!atomic_load_explicit(&remapped, memory_order_relaxed))
        usleep(1000);
    char *again = mmap(region, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (again == MAP_FAILED)
        return NULL;
    for (int i = 0; i < SIZE; i += 64)
        again[i] = 2;
    munmap(again, SIZE);
    return NULL;
}

int main(void)
{
    region = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED)
        return 1;
    pthread_t a, b;
    pthread_create(&b, NULL, second, NULL);
    pthread_create(&a, NULL, first, NULL);
    pthread_join(a, NULL);
    munmap(region, SIZE);
    atomic_store_explicit(&remapped, 1, memory_order_relaxed);
    pthread_join(b, NULL);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: done
// EXPECT-NOT: WARNING
