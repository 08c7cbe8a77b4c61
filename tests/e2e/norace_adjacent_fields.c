/* Four threads each write their own field of one 8-byte struct (1, 1, 2
 * and 4 bytes wide, all in the same word): shadow memory is byte-precise,
 * so there is no race. */
#include <pthread.h>
#include <stdio.h>

struct packed {
    char a;
    char b;
    short c;
    int d;
};

struct packed s;

static void *set_a(void *arg) { for (int i = 0; i < 100; i++) s.a = (char)(i + (long)arg); return NULL; }
static void *set_b(void *arg) { for (int i = 0; i < 100; i++) s.b = (char)(i + (long)arg); return NULL; }
static void *set_c(void *arg) { for (int i = 0; i < 100; i++) s.c = (short)(i + (long)arg); return NULL; }
static void *set_d(void *arg) { for (int i = 0; i < 100; i++) s.d = (int)(i + (long)arg); return NULL; }

int main(void)
{
    void *(*fns[4])(void *) = {set_a, set_b, set_c, set_d};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, fns[i], (void *)(long)(i + 1));
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("a=%d b=%d c=%d d=%d\n", s.a, s.b, s.c, s.d);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: a=100 b=101 c=102 d=103
// EXPECT-NOT: WARNING
