/* history.c: per-slot event rings and stack restoration (see history.h). */
#include "history.h"

#include <string.h>

#include "rt.h"
#include "shadow.h"

#define REPLAY_MAX_DEPTH 1024

hist_t *hist_create(size_t size_words)
{
    hist_t *h = crace_alloc_lines(sizeof(*h), true);
    h->size_words = size_words;
    h->ring_mask = size_words - 1;
    h->part_mask = size_words / HIST_PARTS - 1;
    h->buf = crace_mmap(size_words * sizeof(uint64_t));
    h->lap = (uintptr_t)h->buf;
    atomic_store(&h->pos, 0);
    return h;
}

void hist_destroy(hist_t *h)
{
    if (!h)
        return;
    crace_munmap(h->buf, h->size_words * sizeof(uint64_t));
    crace_free(h);
}

void hist_new_part(hist_t *h, uint64_t pos, uintptr_t *lap, const uintptr_t *stack, uint32_t depth,
                   uint64_t clock)
{
    if ((pos & h->ring_mask) == 0)
        *lap = (uintptr_t)h->buf - pos * sizeof(uint64_t); /* a new lap */
    struct hist_part *p = &h->part[(pos / (h->size_words / HIST_PARTS)) % HIST_PARTS];
    /* The innermost frames, which a report shows (STACK_MAX_FRAMES), with
     * the true depth: a replay that returns below them knows it has lost
     * its frames rather than showing outer ones in their place. */
    uint32_t n = depth < HIST_SNAPSHOT_FRAMES ? depth : HIST_SNAPSHOT_FRAMES;
    gc_copy(p->stack, stack + (depth - n), n * sizeof(stack[0]));
    p->depth = depth;
    p->kept = n;
    p->clock = clock;
    p->start_pos = pos;
}

/* Bytes of the granule at g that [addr, addr + size) covers, as a mask. */
static unsigned granule_mask(uintptr_t g, uintptr_t addr, size_t size)
{
    uintptr_t lo = addr > g ? addr : g;
    uintptr_t end = addr + size, gend = g + SHADOW_GRANULE;
    uintptr_t hi = end < gend ? end : gend;
    if (hi <= lo)
        return 0;
    return ((1u << (hi - lo)) - 1) << (lo - g);
}

size_t hist_restore(const hist_t *h, const _Atomic uint64_t *pos, uint64_t clock, uintptr_t granule_addr,
                    unsigned mask, bool is_write, bool is_atomic, uintptr_t *out, size_t max)
{
    uint64_t end = atomic_load_explicit(pos, memory_order_acquire);
    uint64_t size = h->size_words, partw = size / HIST_PARTS;
    /* The writer's next word, end, overwrites end - size, and first the
     * snapshot of its part when end starts one: the words and parts from
     * end - size + 1 on are whole. */
    uint64_t lo = end >= size ? end - size + 1 : 0;
    uint64_t start = (lo + partw - 1) / partw * partw;
    if (start >= end)
        return 0;
    /* The epoch's events all lie after the start of the last part that
     * began in an earlier epoch (a slot's clock only grows): the replay
     * starts there, not at the oldest part. A race that recurs with a new
     * epoch each time (a producer releasing after every element, a reader
     * that does not acquire) replayed the whole ring for every candidate,
     * 97 % of such a run. A part being rewritten meanwhile fails its
     * start_pos test, or the check at the end. */
    for (uint64_t s = start + partw; s < end; s += partw) {
        const struct hist_part *q = &h->part[(s / partw) % HIST_PARTS];
        if (q->start_pos != s || q->clock >= clock)
            break;
        start = s;
    }

    const struct hist_part *p = &h->part[(start / partw) % HIST_PARTS];
    if (p->start_pos != start)
        return 0;
    /* The replayed stack's innermost REPLAY_MAX_DEPTH frames: the frame
     * at depth d lies at stack[d % REPLAY_MAX_DEPTH], and those at depths
     * known .. depth - 1 are known (below known, a push overwrote them or
     * the snapshot did not keep them). Not on the stack: a report may
     * come from a thread with a small one. */
    uintptr_t *stack = crace_alloc(REPLAY_MAX_DEPTH * sizeof(*stack));
    uint32_t depth = p->depth, known = p->depth - p->kept;
    for (uint32_t k = 0; k < p->kept; k++)
        stack[(known + k) % REPLAY_MAX_DEPTH] = p->stack[k];
    uint64_t cur_clock = p->clock;
    uintptr_t pc_base = 0; /* the last access event's pc: EV_ACCESS_NEAR counts from it */
    size_t found = 0;

    for (uint64_t i = start; i < end; i++) {
        uint64_t w = h->buf[i & (size - 1)];
        switch (w & 7) {
        case EV_FUNC_ENTRY:
            stack[depth % REPLAY_MAX_DEPTH] = (uintptr_t)(w >> 3);
            depth++;
            if (depth - known > REPLAY_MAX_DEPTH)
                known = depth - REPLAY_MAX_DEPTH;
            break;
        case EV_FUNC_EXIT:
            if (depth > 0)
                depth--;
            if (known > depth)
                known = depth; /* what is pushed from here on is known */
            break;
        case EV_EPOCH:
            cur_clock = w >> 3;
            if (cur_clock > clock)
                i = end; /* past the epoch: nothing later matches */
            break;
        case EV_RESET:
            depth = known = 0;
            break;
        case EV_ACCESS:
        case EV_ACCESS_NEAR: {
            uintptr_t pc;
            size_t sz;
            if ((w & 7) == EV_ACCESS) {
                if (i + 1 >= end)
                    break;
                pc = (uintptr_t)h->buf[(i + 1) & (size - 1)];
                i++;
                sz = (w >> 5) & 0xfff;
            } else {
                if (!pc_base)
                    break; /* not written so: each part's first access event is long */
                /* The delta's sign bit extended. */
                uint64_t d = (w >> 8) & ((1u << HIST_NEAR_BITS) - 1);
                pc = pc_base + (uintptr_t)(d ^ HIST_NEAR_SPAN) - HIST_NEAR_SPAN;
                sz = ((w >> 5) & 7) + 1;
            }
            pc_base = pc;
            uintptr_t addr = (uintptr_t)(w >> 17);
            bool wr = (w >> 3) & 1, at = (w >> 4) & 1;
            if (cur_clock != clock || wr != is_write || at != is_atomic)
                break;
            if (!(granule_mask(granule_addr, addr, sz) & mask))
                break;
            /* The last match wins: it created the cell being reported. */
            found = 0;
            out[found++] = pc;
            for (uint32_t k = depth; k > known && found < max; k--)
                out[found++] = stack[(k - 1) % REPLAY_MAX_DEPTH];
            break;
        }
        default: /* padding */
            break;
        }
    }
    /* Everything read is valid only if the writer has not wrapped onto it
     * meanwhile. */
    crace_free(stack);
    uint64_t now = atomic_load_explicit(pos, memory_order_acquire);
    if (now >= start + size)
        return 0;
    return found;
}
