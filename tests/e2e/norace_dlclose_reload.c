/* A library closed and loaded again, at the same address (glibc reuses
 * it): the accesses a finished thread made to the first copy's global are
 * no race with those to the second copy by a thread that never
 * synchronised with it (it gets the reloaded function through a relaxed
 * atomic only). dlclose forgets the unloaded segments (intercept_mmap.c);
 * norace_mmap_reuse.c checks the same for the program's own mappings. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

typedef void (*set_fn)(int);
static _Atomic(set_fn) reloaded;

static void *load(void)
{
    void *h = dlopen("./libplugin.so", RTLD_NOW);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        _exit(1);
    }
    return h;
}

static void *first(void *arg)
{
    (void)arg;
    void *h = load();
    ((set_fn)dlsym(h, "plugin_set"))(1);
    dlclose(h);
    return NULL;
}

static void *second(void *arg)
{
    (void)arg;
    set_fn set;
    while (!(set = atomic_load_explicit(&reloaded, memory_order_relaxed)))
        usleep(1000);
    set(2);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&b, NULL, second, NULL);
    pthread_create(&a, NULL, first, NULL);
    pthread_join(a, NULL);
    void *h = load();
    atomic_store_explicit(&reloaded, (set_fn)dlsym(h, "plugin_set"), memory_order_relaxed);
    pthread_join(b, NULL);
    dlclose(h);
    printf("done\n");
    return 0;
}

// SHLIB: plugin
// EXPECT-EXIT: 0
// EXPECT: done
// EXPECT-NOT: WARNING
