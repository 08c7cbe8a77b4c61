/* A race inside a library loaded with dlopen: reported with the
 * library's function and global, like any other. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static void (*set)(int);

static void *worker(void *arg)
{
    (void)arg;
    set(1); // LINE:worker
    return NULL;
}

int main(void)
{
    void *h = dlopen("./libplugin.so", RTLD_NOW);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    set = (void (*)(int))dlsym(h, "plugin_set");
    pthread_t a, b;
    pthread_create(&a, NULL, worker, NULL);
    usleep(100 * 1000);
    pthread_create(&b, NULL, worker, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    dlclose(h);
    printf("done\n");
    return 0;
}

// SHLIB: plugin
// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   plugin_set()
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   plugin_set()
// EXPECT: Location is global 'plugin_counter' of size 4 at {{ADDR}} (libplugin.so+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
