/* A race inside a dlopen'ed library whose file was deleted after it was
 * loaded (a package upgraded under a running service, a plugin unpacked
 * to a temporary file): the report still names the library's function
 * and line, read from the mapping through /proc/self/map_files. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
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

static int copy(const char *from, const char *to)
{
    int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    char buf[4096];
    ssize_t n = 0;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
        if (write(out, buf, (size_t)n) != n)
            n = -1;
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    return in < 0 || out < 0 || n < 0 ? -1 : 0;
}

int main(void)
{
    char tmp[64];
    snprintf(tmp, sizeof(tmp), "./libplugin-%d.so", (int)getpid());
    if (copy("./libplugin.so", tmp) != 0) {
        perror("copy libplugin.so");
        return 1;
    }
    void *h = dlopen(tmp, RTLD_NOW);
    unlink(tmp);
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
    printf("done\n");
    return 0;
}

// SHLIB: plugin
// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   plugin_set()
// EXPECT:       {{FILE:lib/plugin.c}}:8 {{OFF}}
// EXPECT:   worker()
// EXPECT:       {{FILE}}:{{LINE:worker}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   plugin_set()
// EXPECT-COUNT: 1 WARNING: DATA RACE
