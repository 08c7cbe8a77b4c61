/* vclock.c: vector clock operations (see vclock.h for the invariants). */
#include "vclock.h"

#include <string.h>

#include "rt.h"

void vc_init(vclock_t *vc)
{
    vc->clk = NULL;
    vc->size = 0;
    vc->cap = 0;
    vc->borrowed = 0;
}

void vc_init_in(vclock_t *vc, crace_clock_t *buf, uint32_t n)
{
    gc_zero(buf, n * sizeof(buf[0]));
    vc->clk = buf;
    vc->size = 0;
    vc->cap = n;
    vc->borrowed = 1;
}

void vc_destroy(vclock_t *vc)
{
    if (!vc->borrowed)
        crace_free(vc->clk);
    vc_init(vc);
}

void vc_clear(vclock_t *vc)
{
    if (vc->size)
        gc_zero(vc->clk, vc->size * sizeof(vc->clk[0]));
    vc->size = 0;
}

/* Grows to size entries: doubling while small, then in steps of
 * VC_STEP, so the clocks of 10,000 live threads are not rounded up to
 * 16,384 entries each. */
#define VC_STEP 1024u

static CRACE_NOINLINE void vc_grow(vclock_t *vc, uint32_t size)
{
    uint32_t cap = vc->cap ? vc->cap : 8;
    while (cap < size)
        cap = cap < VC_STEP ? cap * 2 : cap + VC_STEP;
    if (vc->borrowed) {
        crace_clock_t *heap = crace_alloc(cap * sizeof(vc->clk[0]));
        gc_copy(heap, vc->clk, vc->cap * sizeof(vc->clk[0]));
        vc->clk = heap;
        vc->borrowed = 0;
    } else {
        vc->clk = crace_realloc(vc->clk, cap * sizeof(vc->clk[0]));
    }
    gc_zero(vc->clk + vc->cap, (cap - vc->cap) * sizeof(vc->clk[0]));
    vc->cap = cap;
}

/* The check inline: every join and copy makes it, and the clock has
 * room nearly always. */
static inline void vc_reserve(vclock_t *vc, uint32_t size)
{
    if (CRACE_UNLIKELY(size > vc->cap))
        vc_grow(vc, size);
}

void vc_set(vclock_t *vc, uint32_t slot, crace_clock_t c)
{
    if (slot >= vc->size) {
        vc_reserve(vc, slot + 1);
        vc->size = slot + 1;
    }
    vc->clk[slot] = c;
}

void vc_join(vclock_t *dst, const vclock_t *src)
{
    if (src->size > dst->size) {
        vc_reserve(dst, src->size);
        dst->size = src->size;
    }
    for (uint32_t i = 0; i < src->size; i++)
        if (src->clk[i] > dst->clk[i])
            dst->clk[i] = src->clk[i];
}

void vc_join_both(vclock_t *a, vclock_t *b)
{
    __builtin_prefetch(b->clk, 1);
    uint32_t n = a->size > b->size ? a->size : b->size;
    vc_reserve(a, n);
    vc_reserve(b, n);
    a->size = b->size = n;
    for (uint32_t i = 0; i < n; i++) {
        crace_clock_t m = a->clk[i] > b->clk[i] ? a->clk[i] : b->clk[i];
        a->clk[i] = b->clk[i] = m;
    }
}

void vc_move(vclock_t *dst, vclock_t *src)
{
    if (src->borrowed) { /* its storage stays with its owner */
        vc_copy(dst, src);
        vc_clear(src);
        return;
    }
    vc_destroy(dst);
    *dst = *src;
    vc_init(src);
}

void vc_copy(vclock_t *dst, const vclock_t *src)
{
    vc_reserve(dst, src->size);
    if (dst->size > src->size)
        gc_zero(dst->clk + src->size, (dst->size - src->size) * sizeof(dst->clk[0]));
    if (src->size)
        gc_copy(dst->clk, src->clk, src->size * sizeof(dst->clk[0]));
    dst->size = src->size;
}

bool vc_leq(const vclock_t *a, const vclock_t *b)
{
    for (uint32_t i = 0; i < a->size; i++)
        if (a->clk[i] > vc_get(b, i))
            return false;
    return true;
}
