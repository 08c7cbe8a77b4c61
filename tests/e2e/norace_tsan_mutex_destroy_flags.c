/* misuse_tsan_mutex_destroy_locked's twin: destroys ThreadSanitizer's
 * custom mutex interface makes no-ops, of held locks (its custom_mutex4
 * test). A lock created as linker-initialised is never destroyed; a
 * destroy that says not_static destroys only a lock created so. Each
 * lock is then unlocked and locked again, which must not read as an
 * unlock of an unlocked mutex; and a lock destroyed for real when free,
 * then created again, is a lock like any other. */
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

static void spin_unlock(struct spin *s)
{
    __tsan_mutex_pre_unlock(s, 0);
    __atomic_store_n(&s->word, 0, __ATOMIC_RELEASE);
    __tsan_mutex_post_unlock(s, 0);
}

static struct spin global_lock, plain_lock, heap_like_lock;

int main(void)
{
    __tsan_mutex_create(&global_lock, __tsan_mutex_linker_init);
    spin_lock(&global_lock);
    __tsan_mutex_destroy(&global_lock, 0);
    spin_unlock(&global_lock);

    __tsan_mutex_create(&plain_lock, 0);
    spin_lock(&plain_lock);
    __tsan_mutex_destroy(&plain_lock, __tsan_mutex_not_static);
    spin_unlock(&plain_lock);

    __tsan_mutex_create(&heap_like_lock, __tsan_mutex_not_static);
    spin_lock(&heap_like_lock);
    spin_unlock(&heap_like_lock);
    __tsan_mutex_destroy(&heap_like_lock, __tsan_mutex_not_static);
    __tsan_mutex_create(&heap_like_lock, __tsan_mutex_not_static);
    spin_lock(&heap_like_lock);
    spin_unlock(&heap_like_lock);
    printf("done\n");
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: done
// EXPECT-NOT: WARNING
