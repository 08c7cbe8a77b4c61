/* A lock of the program's own, described with ThreadSanitizer's custom
 * mutex interface, destroyed while main holds it: the annotations say
 * what no lock can do, a misuse, as under ThreadSanitizer (its
 * custom_mutex5 test). The report names the holder, where it took the
 * lock and where the lock was created. Its twin,
 * norace_tsan_mutex_destroy_flags, destroys locks whose destroy is a
 * no-op (linker-initialised ones, and a not_static destroy of a lock not
 * created so). */
#include <sanitizer/tsan_interface.h>
#include <stdio.h>

struct spin {
    int word;
};

static void spin_lock(struct spin *s)
{
    __tsan_mutex_pre_lock(s, 0);
    while (__atomic_exchange_n(&s->word, 1, __ATOMIC_ACQUIRE))
        ;
    __tsan_mutex_post_lock(s, 0, 0);
}

int main(void)
{
    struct spin s = {0};
    __tsan_mutex_create(&s, 0); // LINE:create
    spin_lock(&s); // LINE:lock
    __tsan_mutex_destroy(&s, 0); // LINE:destroy
    printf("destroyed\n");
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: destroyed
// EXPECT: WARNING: MISUSE OF MUTEX
// EXPECT: __tsan_mutex_destroy of locked mutex {{ADDR}} by goroutine 1:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:destroy}} {{OFF}}
// EXPECT: Mutex {{ADDR}} is held by goroutine 1, locked at:
// EXPECT:   spin_lock()
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:lock}} {{OFF}}
// EXPECT: Mutex {{ADDR}} created at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:create}} {{OFF}}
