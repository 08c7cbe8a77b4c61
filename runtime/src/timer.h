/*
 * timer.h: one-shot timers run by libgochan's timer thread (chan_after,
 * context deadlines).
 *
 * Lock order: the timer lock is a leaf. Callbacks run on the timer thread
 * without it, and may take channel and context locks; so gc_timer_stop
 * may be called with those held (it never waits), while gc_timer_sync,
 * which waits for a running callback, must be called holding none.
 */
#ifndef GOCHAN_TIMER_H
#define GOCHAN_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gc_timer_state {
    GC_TIMER_IDLE = 0, /* not armed: never started, stopped, or fired */
    GC_TIMER_PENDING,  /* in the heap, waiting for its deadline */
    GC_TIMER_FIRING    /* its callback runs on the timer thread now */
};

/* A timer, owned by its user (zero-initialised before first use). */
struct gc_timer {
    void (*fn)(struct gc_timer *t); /* set by the owner before gc_timer_start */
    void *arg;                      /* free for the owner */
    /* Under the timer lock: */
    int64_t when;                   /* CLOCK_MONOTONIC deadline */
    size_t heap_index;
    uint32_t state;                 /* enum gc_timer_state */
};

/* Arms t to call t->fn(t) on the timer thread at `when` (CLOCK_MONOTONIC
 * ns; already past: as soon as possible). t must be IDLE. Returns 0, or
 * ENOMEM / EAGAIN when the heap or the timer thread cannot be created. */
int gc_timer_start(struct gc_timer *t, int64_t when);

/* Disarms t if still pending; returns whether it was (so its callback
 * will never run). Never waits: a callback already running goes on. */
bool gc_timer_stop(struct gc_timer *t);

/* Waits until t's callback is not running, so t and what its callback
 * uses may be freed. Call after gc_timer_stop, holding no runtime lock. */
void gc_timer_sync(struct gc_timer *t);

#endif /* GOCHAN_TIMER_H */
