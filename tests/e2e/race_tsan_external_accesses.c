/* ThreadSanitizer's interface beyond the compiler's calls: accesses
 * attributed to a pc the caller names (__tsan_write_range_pc, as a JIT or
 * an interpreter does for its own code), and the sanitizers' unaligned
 * loads and stores, which perform the access and check it. Both race
 * here with another thread's plain access; a benign race declared with
 * WebKit's name (WTFAnnotateBenignRaceSized) is not reported. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

void __tsan_write_range_pc(void *addr, unsigned long size, void *pc);
uint32_t __sanitizer_unaligned_load32(const void *p);
void __sanitizer_unaligned_store64(void *p, uint64_t x);
void WTFAnnotateBenignRaceSized(const char *file, int line, const volatile void *mem, unsigned long size,
                                const char *desc);

static char buffer[64];
static unsigned char packed[16];
static int benign;

__attribute__((noinline)) void interpreted_op(void)
{
    __asm__ volatile("");
}

static void *other(void *arg)
{
    (void)arg;
    buffer[10] = 1;                                  // LINE:plain_write
    __sanitizer_unaligned_store64(packed + 3, 1234); // LINE:unaligned_store
    benign = 1;
    return NULL;
}

int main(void)
{
    WTFAnnotateBenignRaceSized(__FILE__, __LINE__, &benign, sizeof(benign), "a statistic");
    pthread_t th;
    pthread_create(&th, NULL, other, NULL);
    usleep(100 * 1000);
    /* The access of an "interpreted" instruction at interpreted_op. */
    __tsan_write_range_pc(buffer, sizeof(buffer), (void *)((uintptr_t)interpreted_op + 1));
    uint32_t v = __sanitizer_unaligned_load32(packed + 5); // LINE:unaligned_load
    int b = benign;
    pthread_join(th, NULL);
    printf("%u %d\n", v, b);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by main goroutine:
// EXPECT:   interpreted_op()
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   other()
// EXPECT:       {{FILE}}:{{LINE:plain_write}} {{OFF}}
// EXPECT: Location is global 'buffer' of size 64 at {{ADDR}} (race_tsan_external_accesses+{{ADDR}})
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:unaligned_load}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   other()
// EXPECT:       {{FILE}}:{{LINE:unaligned_store}} {{OFF}}
// EXPECT: Location is global 'packed' of size 16 at {{ADDR}} (race_tsan_external_accesses+{{ADDR}})
// EXPECT-COUNT: 2 WARNING: DATA RACE
// EXPECT-NOT: 'benign'
