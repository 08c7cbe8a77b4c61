/*
 * heap.h: the table of live heap blocks (size, allocating goroutine and
 * stack), for "Location is heap block ..." and for free().
 */
#ifndef CRACE_HEAP_H
#define CRACE_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shadow.h"
#include "stackdepot.h"

struct heap_block {
    uintptr_t start;
    size_t size;
    uint64_t gid;
    stack_id stack;
};

/* Records a new block (after the real allocation) and sets its shadow:
 * written == 0 forgets every access to it; otherwise written is the
 * allocating thread's write of all of it (its epoch, mask 0xff), stored in
 * the cell at own_cell (shadow_write_range). */
void heap_alloc(uintptr_t start, size_t size, uint64_t gid, stack_id stack, shadow_cell written, uint32_t own_cell);
/* Takes the block starting exactly at start out of the table, copied to
 * *out: the program frees it. False when start is not a known block
 * start (memory from before the shim, a bad free: the caller passes it
 * through). Until heap_take_done, the calling thread still finds the
 * block with heap_find (a report of its free's own write describes a live
 * block); other threads find it with heap_find_freed. */
bool heap_take(uintptr_t start, struct heap_block *out);
void heap_take_done(void);
/* Finds the live block containing addr. */
bool heap_find(uintptr_t addr, struct heap_block *out);
/* A block freed lately (the last few per stripe) that held addr, for a
 * report when heap_find found no live one. Scans every stripe. */
bool heap_find_freed(uintptr_t addr, struct heap_block *out);

#endif /* CRACE_HEAP_H */
