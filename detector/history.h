/*
 * history.h: each thread slot's recent events, to restore the stack of a
 * previous access when it turns out to race.
 *
 * A ring of 64-bit event words written only by the slot's current owner:
 * function entry (pc) and exit, memory accesses that changed the shadow
 * (address, size, kind; then a word with the pc), and epoch changes (the
 * clock after a release). The ring is split into HIST_PARTS parts; when
 * the writer enters a part it first stores a snapshot of its call stack
 * and clock there, so a replay can start at the oldest part still intact.
 * Readers validate against the write position and give up (the stack is
 * "failed to restore") rather than read overwritten events.
 */
#ifndef CRACE_HISTORY_H
#define CRACE_HISTORY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stackdepot.h"

enum hist_event {
    EV_FUNC_ENTRY = 1, /* word: pc << 3 | type */
    EV_FUNC_EXIT = 2,  /* word: type */
    EV_ACCESS = 3,     /* word: addr << 17 | size << 5 | atomic << 4 | write << 3 | type; next word: pc */
    EV_EPOCH = 4,      /* word: clock << 3 | type */
    EV_RESET = 5,      /* word: type; a new owner of the slot starts with an empty stack */
    /* An access of at most 8 bytes whose pc lies within HIST_NEAR_SPAN
     * bytes either side of the pc of the access event before it in the
     * same part (the same loop, the same function): one word, addr << 17 |
     * (pc delta, HIST_NEAR_BITS, two's complement) << 8 | (size - 1) << 5 |
     * atomic << 4 | write << 3 | type. The first access event of each
     * part is an EV_ACCESS, so a replay from any part start knows every
     * pc. Half the words for the accesses of a loop: twice the history. */
    EV_ACCESS_NEAR = 6,
};
#define HIST_NEAR_BITS 9
#define HIST_NEAR_SPAN (1 << (HIST_NEAR_BITS - 1))
/* Word 0 is padding: a two-word event never straddles a part start. */

#define HIST_PARTS 8
/* The smallest ring, in bytes: 2^HIST_MIN_BYTES_LOG2 (history_size=0). */
#define HIST_MIN_BYTES_LOG2 15
/* The writer's one test per word, the fast path's too: a position that
 * is a multiple of HIST_CHECK_WORDS takes the slow path, which starts a
 * part where one starts (every part start is such a position: parts hold
 * a multiple of it) and gives the shadow stack room for the next
 * HIST_CHECK_WORDS words' pushes (thread.h). The test is then against a
 * constant, and function entry pushes without testing the stack's bound. */
#define HIST_CHECK_WORDS 512
#define HIST_SNAPSHOT_FRAMES 128
#define HIST_MAX_ACCESS_SIZE 4095u

struct hist_part {
    uint64_t start_pos; /* event position the snapshot belongs to */
    uint64_t clock;
    uint32_t depth;     /* the shadow stack's depth */
    uint32_t kept;      /* its innermost frames in stack (innermost last):
                           min(depth, HIST_SNAPSHOT_FRAMES) */
    uintptr_t stack[HIST_SNAPSHOT_FRAMES];
};

/* While a thread owns the slot, the writer's end of the ring (the next
 * word's position, the lap base) lives in its thread record,
 * beside the shadow stack that function entry and exit also touch
 * (thread.h, crace_hist_adopt): the fast path linked into instrumented
 * programs reads it there without a load of the ring. pos and lap here
 * are the ring's end while the slot has no owner. */
typedef struct hist {
    uint64_t *buf;
    uint64_t size_words; /* a power of two, a multiple of HIST_PARTS */
    /* size_words - 1 and size_words / HIST_PARTS - 1: a word position's
     * index in buf, and 0 where a part starts. */
    uint64_t ring_mask, part_mask;
    /* The address of buf[0] minus 8 times the position where the current
     * lap of the ring started, so that word pos lies at lap + 8 * pos (no
     * mask, no load of buf). Moved by hist_new_part where a lap starts,
     * which is also a part start. */
    uintptr_t lap;
    _Atomic uint64_t pos; /* words written so far (monotonic) */
    struct hist_part part[HIST_PARTS];
} hist_t;

hist_t *hist_create(size_t size_words);
void hist_destroy(hist_t *h);

/* Called by the owner when its position pos enters a new part: stores
 * the snapshot, and moves *lap where a lap starts. */
void hist_new_part(hist_t *h, uint64_t pos, uintptr_t *lap, const uintptr_t *stack, uint32_t depth,
                   uint64_t clock);

/* Restores the call stack (innermost first, beginning with the access pc)
 * at the last recorded access of clock that wrote (or read) bytes of mask
 * in the granule at granule_addr. pos is where the writer publishes its
 * position: h->pos, or its owner's (thread.h). Returns the number of
 * frames, 0 when the events have been overwritten. A stack deeper than
 * the replay knows (a recursion deeper than the part's snapshot kept,
 * left below that before the access) ends at the last frame known. */
size_t hist_restore(const hist_t *h, const _Atomic uint64_t *pos, uint64_t clock, uintptr_t granule_addr, unsigned mask,
                    bool is_write, bool is_atomic, uintptr_t *out, size_t max);

#endif /* CRACE_HISTORY_H */
