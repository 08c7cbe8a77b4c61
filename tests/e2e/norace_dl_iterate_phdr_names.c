/* A thread reads the loader's names of the loaded libraries in a
 * dl_iterate_phdr callback; later another thread dlcloses one of them and
 * the loader frees its name. The loader orders the two with a lock of its
 * own, which the detector does not see (and ThreadSanitizer's test-only
 * barrier between them orders nothing either): the names' shadow is
 * forgotten around each callback, as ThreadSanitizer does, so the free is
 * no race with the read. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

void __tsan_testonly_barrier_init(unsigned *barrier, unsigned count);
void __tsan_testonly_barrier_wait(unsigned *barrier);

static unsigned turn;
static int seen_plugin;

static int callback(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    long *sum = data;
    const char *name = info->dlpi_name;
    size_t n = 0;
    while (name[n])
        *sum += name[n++];
    if (strstr(name, "libplugin.so"))
        seen_plugin = 1;
    return 0;
}

static void *reader(void *arg)
{
    long *sum = arg;
    dl_iterate_phdr(callback, sum);
    __tsan_testonly_barrier_wait(&turn);
    return NULL;
}

int main(void)
{
    void *h = dlopen("./libplugin.so", RTLD_NOW);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    __tsan_testonly_barrier_init(&turn, 2);
    long sum = 0;
    pthread_t th;
    pthread_create(&th, NULL, reader, &sum);
    __tsan_testonly_barrier_wait(&turn);
    dlclose(h); /* frees the name the reader read */
    pthread_join(th, NULL);
    printf("plugin seen: %d\n", seen_plugin);
    return 0;
}

// SHLIB: plugin
// EXPECT-EXIT: 0
// EXPECT: plugin seen: 1
// EXPECT-NOT: WARNING
