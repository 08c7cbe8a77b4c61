/* A race inside a dlopen'ed library whose file the program has also
 * mapped itself, right below where the loader put it (as a program that
 * checksums or reads its plugins does, and as libdw does when it reads
 * a library's symbols). /proc/PID/maps then shows the file twice in a
 * row, and a module list built from it would start the library at the
 * program's mapping: every pc in it would be misplaced. The report must
 * still name the library's function. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static void (*set)(int);

static void *worker(void *arg)
{
    (void)arg;
    set(1); // LINE:worker
    return NULL;
}

/* Maps the file's first page at the highest free page below base (the
 * loader fills holes, so there may be room for no more than a page), or
 * anywhere when there is none within 16 MiB. */
static void *map_below(const char *path, uintptr_t base)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void *got = NULL;
    for (uintptr_t at = base - page; at > base - 4096 * page && got == NULL; at -= page) {
        void *p = mmap((void *)at, page, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
        if (p == (void *)at)
            got = p;
        else if (p != MAP_FAILED)
            munmap(p, page); /* an old kernel took the address as a hint */
    }
    if (got == NULL) { /* no room below: anywhere (the report must be right all the same) */
        void *p = mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0);
        got = p == MAP_FAILED ? NULL : p;
    }
    close(fd);
    return got;
}

int main(void)
{
    void *h = dlopen("./libplugin.so", RTLD_NOW);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    set = (void (*)(int))dlsym(h, "plugin_set");
    Dl_info info;
    if (!dladdr((void *)set, &info) || !map_below("./libplugin.so", (uintptr_t)info.dli_fbase)) {
        fprintf(stderr, "could not map libplugin.so below its load address\n");
        return 1;
    }
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
// EXPECT: Location is global 'plugin_counter' of size 4 at {{ADDR}} (libplugin.so+{{ADDR}})
// EXPECT-COUNT: 1 WARNING: DATA RACE
