/*
 * vclock.h: vector clocks, indexed by thread slot.
 *
 * Invariants: clk[i] for i >= size is 0 (a vector clock grows on demand
 * and never shrinks while in use); a thread's own entry is its current
 * epoch's clock; clocks only grow. Not thread-safe: a thread's own clock
 * is touched only by that thread, a sync object's clock only under that
 * object's lock.
 */
#ifndef CRACE_VCLOCK_H
#define CRACE_VCLOCK_H

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t crace_clock_t;

typedef struct {
    crace_clock_t *clk;
    uint32_t size;         /* entries in use; clk[size..cap) are 0 */
    uint32_t cap : 31;
    uint32_t borrowed : 1; /* clk is the owner's storage (vc_init_in), not
                            * the heap: never freed, left when it grows */
} vclock_t;

void vc_init(vclock_t *vc);
/* An empty clock whose first n entries live in buf (zeroed), which its
 * owner provides: a sync object keeps a small clock in the cache line of
 * its lock. */
void vc_init_in(vclock_t *vc, crace_clock_t *buf, uint32_t n);
void vc_destroy(vclock_t *vc);
/* Resets every entry to 0 (keeps the memory). */
void vc_clear(vclock_t *vc);

static inline crace_clock_t vc_get(const vclock_t *vc, uint32_t slot)
{
    return slot < vc->size ? vc->clk[slot] : 0;
}

void vc_set(vclock_t *vc, uint32_t slot, crace_clock_t c);
/* dst = max(dst, src), entry by entry (acquire). */
void vc_join(vclock_t *dst, const vclock_t *src);
/* a and b both become max(a, b), entry by entry: an acquire by a
 * followed by a release-store into b, in one pass that reads and writes
 * each of b's entries together (b is a sync object's clock, its cache
 * line last written by another thread: fetched once, for writing). */
void vc_join_both(vclock_t *a, vclock_t *b);
/* dst takes src's entries without copying (a copy when src's storage is
 * borrowed); src becomes empty. */
void vc_move(vclock_t *dst, vclock_t *src);
/* dst = src (release-store). */
void vc_copy(vclock_t *dst, const vclock_t *src);
/* True when every entry of a is <= the one of b (a happens before b). */
bool vc_leq(const vclock_t *a, const vclock_t *b);

#endif /* CRACE_VCLOCK_H */
