/* One statement racing with one other statement, reached from two call
 * sites on each side, on two variables: two reports, told apart by their
 * stacks (as ThreadSanitizer and Go tell reports apart), not one for the
 * pair of innermost lines. The writer's two records are equal (one
 * thread, one epoch, the same bytes), so the reader meets the same pc
 * and the same other record twice, at two addresses. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static long first_var, second_var;

__attribute__((noinline)) static void store(long *p, long v)
{
    *p = v; // LINE:store
}

__attribute__((noinline)) static long load(const long *p)
{
    return *p; // LINE:load
}

static void *writer(void *arg)
{
    (void)arg;
    store(&first_var, 1);  // LINE:store_first
    store(&second_var, 2); // LINE:store_second
    return NULL;
}

int main(void)
{
    pthread_t th;
    pthread_create(&th, NULL, writer, NULL); // LINE:create
    usleep(100 * 1000);
    long a = load(&first_var);  // LINE:load_first
    long b = load(&second_var); // LINE:load_second
    pthread_join(th, NULL);
    printf("%ld %ld\n", a, b);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: 1 2
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   load()
// EXPECT:       {{FILE}}:{{LINE:load}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:load_first}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   store()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:store_first}} {{OFF}}
// EXPECT: Location is global 'first_var' of size 8 at {{ADDR}} (race_one_statement_two_callers+{{ADDR}})
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   load()
// EXPECT:       {{FILE}}:{{LINE:load}} {{OFF}}
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:load_second}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   store()
// EXPECT:       {{FILE}}:{{LINE:store}} {{OFF}}
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:store_second}} {{OFF}}
// EXPECT: Location is global 'second_var' of size 8 at {{ADDR}} (race_one_statement_two_callers+{{ADDR}})
// EXPECT: Found 2 data race(s)
// EXPECT-COUNT: 2 WARNING: DATA RACE
