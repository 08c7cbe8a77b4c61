/* String functions of literals that gcc expands inline: a strcpy of a
 * literal into a buffer, a strcat onto it, a short memcmp of it. gcc
 * turned them into plain loads and stores after its instrumentation, and
 * their races went unseen (clang instruments what it expands); crace cc
 * keeps them calls, which the shim checks. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char name[32];
static char tag[8];

static void *writer(void *arg)
{
    (void)arg;
    strcpy(name, "worker"); // LINE:strcpy
    strcat(name, "-1");     // LINE:strcat
    return NULL;
}

static void *checker(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    return (void *)(size_t)(memcmp(tag, "abcd", 4) == 0); // LINE:memcmp
}

int main(void)
{
    pthread_t w, c;
    pthread_create(&w, NULL, writer, NULL);
    pthread_create(&c, NULL, checker, NULL);
    usleep(200 * 1000);
    name[0] = 'W'; // LINE:main
    strcpy(tag, "abcd"); // LINE:tag
    pthread_join(w, NULL);
    pthread_join(c, NULL);
    printf("%s\n", name);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:main}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:strcpy}} {{OFF}}
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:tag}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 3:
// EXPECT:   checker()
// EXPECT:       {{FILE}}:{{LINE:memcmp}} {{OFF}}
// EXPECT-COUNT: 2 WARNING: DATA RACE
