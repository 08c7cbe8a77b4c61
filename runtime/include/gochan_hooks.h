/*
 * gochan_hooks.h: the interface between libgochan and a race/deadlock
 * detector (crace's libcrace.so implements it).
 *
 * libgochan is not instrumented and its internal locks are invisible to a
 * detector, exactly like Go's runtime under -race. Instead it reports each
 * synchronising event at the exact point where it happens, while holding
 * the channel's lock, as Go's chan.go calls racereleaseacquire on buffer
 * slots. A detector that preloads itself defines
 *
 *     const struct gochan_hooks *__gochan_hooks(unsigned version);
 *
 * libgochan looks it up once, with dlsym(RTLD_DEFAULT), when it is first
 * used; absent (or returning NULL), every hook is skipped at the cost of
 * one predictable branch.
 *
 * A "waiter" is the address of the blocked goroutine's wait record; it is
 * stable from block() until resume() returns. Hooks run on the thread
 * named in each comment, may take the detector's own locks, and must
 * never call back into libgochan.
 */
#ifndef GOCHAN_HOOKS_H
#define GOCHAN_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gochan.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GOCHAN_HOOKS_VERSION 5u

/* Why a goroutine blocks: Go's wait reasons, as printed in its goroutine
 * dumps. X(name, text). */
#define GOCHAN_WAIT_REASONS(X)                      \
    X(CHAN_SEND, "chan send")                       \
    X(CHAN_RECV, "chan receive")                    \
    X(SELECT, "select")                             \
    X(SELECT_NO_CASES, "select (no cases)")         \
    X(CHAN_SEND_NIL, "chan send (nil chan)")        \
    X(CHAN_RECV_NIL, "chan receive (nil chan)")     \
    X(WAITGROUP, "sync.WaitGroup.Wait")

enum gochan_wait_reason {
#define GOCHAN_X(name, text) GOCHAN_WAIT_##name,
    GOCHAN_WAIT_REASONS(GOCHAN_X)
#undef GOCHAN_X
    GOCHAN_WAIT_COUNT
};

/* Panics libgochan raises. X(name, message). */
#define GOCHAN_PANICS(X)                                             \
    X(CLOSE_CLOSED, "close of closed channel")                       \
    X(CLOSE_NIL, "close of nil channel")                             \
    X(SEND_CLOSED, "send on closed channel")                         \
    X(WG_NEGATIVE, "sync: negative WaitGroup counter")              \
    X(FREE_BLOCKED, "free of channel with blocked goroutines")       \
    X(USER, "")                                                      \
    X(USE_FREED, "use of freed channel")                             \
    X(WG_REUSED, "sync: WaitGroup is reused before previous Wait has returned")

enum gochan_panic_kind {
#define GOCHAN_X(name, text) GOCHAN_PANIC_##name,
    GOCHAN_PANICS(GOCHAN_X)
#undef GOCHAN_X
    GOCHAN_PANIC_COUNT
};

struct gochan_hooks {
    uint32_t version; /* GOCHAN_HOOKS_VERSION */
    uint32_t size;    /* sizeof(struct gochan_hooks) of the detector */

    /* Creator thread, after c is initialised / before c is freed. */
    void (*chan_make)(const chan_t *c, size_t elem_size, size_t cap);
    void (*chan_free)(const chan_t *c);

    /* A value passes through buffer slot idx of c (0 <= idx < cap): the
     * slot is the synchronisation object (Go's racereleaseacquire on
     * chanbuf(c, idx)). waiter is NULL when the event belongs to the
     * calling goroutine, else the parked goroutine on whose behalf the
     * caller moves the value. Under c's lock. */
    void (*chan_slot)(const chan_t *c, size_t idx, const void *waiter);

    /* Direct hand-off between the caller and a parked waiter on an
     * unbuffered channel: each side's prior events happen before the
     * other's operation completes. Under c's lock, before ready(). */
    void (*chan_handoff)(const chan_t *c, const void *waiter);

    /* The caller closes c (before any waiter is woken), and a receive
     * of the caller returns because c is closed and drained. */
    void (*chan_close)(const chan_t *c);
    void (*chan_recv_closed)(const chan_t *c);

    /* The caller is about to send on c, which is not NULL (chan_send,
     * chan_try_send, and each send case of a select, once, before any
     * case runs); no lock held. Go's chansend reads the channel before it
     * looks whether c is closed, and closechan writes it: a send and a
     * close that nothing orders race. Called before c is checked for a
     * channel chan_free has freed (the detector reports the use). pc: the
     * return address into the program's call (chan_send, chan_try_send,
     * chan_select). */
    void (*chan_send_begin)(const chan_t *c, uintptr_t pc);
    /* Right after chan_send_begin, c found live: the send reads the value,
     * the elem_size bytes at elem, whether it proceeds or not. Go
     * evaluates `c <- x`'s x, and every send case's value of a select on
     * entry, in the program's own instrumented code, where libgochan
     * copies through the pointer it is given. */
    void (*chan_send_value)(const void *elem, size_t elem_size, uintptr_t pc);
    /* A receive of the caller (chan_recv, chan_try_recv, a select's
     * receive case) has stored a value, or the zero value of a closed
     * channel, in the elem_size bytes at elem (not NULL), after the
     * receive's own events, before the call returns: Go's `x = <-c`
     * writes x in the program's code. c may be gone; no lock held; pc as
     * for chan_send_begin. */
    void (*chan_recv_value)(void *elem, size_t elem_size, uintptr_t pc);

    /* The caller is about to park on obj (a chan_t, waitgroup_t, or NULL
     * for nil channels and empty selects) for reason. timed: a timer will
     * wake it even if nobody else does. Called before the waiter becomes
     * visible to other goroutines. */
    void (*block)(const void *waiter, enum gochan_wait_reason reason, const void *obj, bool timed);
    /* Another goroutine is about to wake waiter (before the wake-up). */
    void (*ready)(const void *waiter);
    /* The parked goroutine runs again (after it woke, before it returns). */
    void (*resume)(const void *waiter);

    /* waitgroup_add changed the counter by delta to counter (before any
     * waiter is woken). */
    void (*wg_add)(const waitgroup_t *wg, int delta, int64_t counter);
    /* wg_wait_begin, under the WaitGroup's lock: a Wait finds the counter
     * zero and returns at once (at_zero), or is the first waiter of a
     * round, about to block (the counter is not zero and no one else
     * waits yet); not called for a round's later waiters. Go models the
     * first waiter's Wait as a write of the WaitGroup, which races with an
     * Add raising the counter from zero that nothing orders with it, and
     * the other Waits as nothing, so that Waits never race with one
     * another. wg_wait_end: waitgroup_wait returns (every call). */
    void (*wg_wait_begin)(const waitgroup_t *wg, bool at_zero);
    void (*wg_wait_end)(const waitgroup_t *wg);

    /* A non-blocking select or try operation found nothing ready. */
    void (*poll_empty)(void);

    /* A timer (chan_after, a context deadline) was armed (+1) or has fired
     * or been cancelled (-1). */
    void (*timers)(int delta);

    /* The next thread the caller creates is libgochan's own (the timer
     * thread): not a goroutine of the program, and given no goroutine
     * number, so the program's goroutines are numbered as without a
     * detector (and as in Go, whose timers start no goroutine). Called
     * right before its pthread_create. */
    void (*internal_thread)(void);

    /* The caller panics. obj is the channel or WaitGroup concerned (NULL
     * if none). Called after libgochan printed the panic and the caller's
     * stack, before it exits with status 2: the detector adds what it
     * knows (where obj was created, where it was first closed) and flushes
     * its findings, then returns. */
    void (*panic)(enum gochan_panic_kind kind, const void *obj, const char *msg);

    /* The calling thread's goroutine number in the detector's numbering
     * (used by gochan_goroutine_id and in panics, so both agree). */
    uint64_t (*goroutine_id)(void);

    /* As block, for a select (reason GOCHAN_WAIT_SELECT: two cases or
     * more) about to park on the n channels cases[order[i]].c, i < n
     * (none NULL, each once per case): a detector names them all, not
     * one. Both arrays stay valid until resume. Called instead of block
     * when set. */
    void (*block_select)(const void *waiter, const chan_case *cases, const uint32_t *order, size_t n, bool timed);
};

#ifdef __cplusplus
}
#endif

#endif /* GOCHAN_HOOKS_H */
