/*
 * stackdepot.h: every distinct stack stored once, named by a 32-bit id.
 *
 * Stacks are arrays of return addresses, innermost first. Id 0 is "no
 * stack". Entries are never freed, so an id stays valid for the whole run;
 * the depot grows only with the number of distinct stacks. Insertion takes
 * one bucket lock; lookup by id takes none.
 */
#ifndef CRACE_STACKDEPOT_H
#define CRACE_STACKDEPOT_H

#include <stddef.h>
#include <stdint.h>

typedef uint32_t stack_id;

#define STACK_MAX_FRAMES 64

stack_id depot_put(const uintptr_t *pcs, size_t n);
/* The frames of id (innermost first) and their count; NULL/0 for id 0. */
const uintptr_t *depot_get(stack_id id, size_t *n);
/* Number of distinct stacks stored (for tests and statistics). */
size_t depot_count(void);

#endif /* CRACE_STACKDEPOT_H */
