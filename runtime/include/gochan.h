/*
 * gochan.h: Go-style concurrency for C (libgochan).
 *
 * Channels (buffered, unbuffered, close, comma-ok receive, nil-channel
 * semantics), select, goroutines, WaitGroup and contexts, with Go's
 * semantics and Go's panics. Link with -lgochan (pkg-config gochan).
 *
 * Every function here is thread-safe. Objects are opaque; their memory is
 * owned as documented per function. A "panic" prints "panic: MESSAGE", a
 * blank line, "goroutine N [running]:" and the symbolized stack to stderr,
 * then exits the process with status 2, as Go does.
 */
#ifndef GOCHAN_H
#define GOCHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Channels                                                             */
/* ------------------------------------------------------------------ */

/* A channel. Opaque; created by chan_make, destroyed by chan_free.
 * A NULL chan_t * is Go's nil channel. */
typedef struct chan chan_t;

/* Result of chan_try_recv. */
enum {
    CHAN_OK = 0,     /* a value was received */
    CHAN_EMPTY = 1,  /* nothing ready (open channel, or nil channel) */
    CHAN_CLOSED = 2  /* the channel is closed and drained; *out zeroed */
};

/* Creates a channel of elements of elem_size bytes (0 is allowed: Go's
 * chan struct{}) with a buffer of cap elements (0: unbuffered, a send
 * completes only once a receiver has taken the value). The caller owns the
 * channel and releases it with chan_free. Returns NULL with errno ENOMEM
 * when memory is exhausted, or EINVAL when elem_size * cap overflows. */
chan_t *chan_make(size_t elem_size, size_t cap);

/* Sends elem_size bytes read from elem. Blocks until the value has been
 * taken by a receiver (unbuffered) or stored in the buffer. Panics with
 * "send on closed channel" when c is closed, also when c is closed while
 * this send is blocked. A send on a NULL channel blocks forever. */
void chan_send(chan_t *c, const void *elem);

/* Receives a value into out (elem_size bytes; out may be NULL to discard
 * it). Blocks until a value is available or c is closed. Returns true with
 * a value; false once c is closed and its buffer drained, with *out zeroed
 * (Go's "v, ok := <-c"). A receive on a NULL channel blocks forever. */
bool chan_recv(chan_t *c, void *out);

/* Sends without blocking: true when the value was delivered to a waiting
 * receiver or buffered, false when that would block (and on a NULL
 * channel). Panics with "send on closed channel" when c is closed. */
bool chan_try_send(chan_t *c, const void *elem);

/* Receives without blocking: CHAN_OK with a value in out, CHAN_EMPTY when
 * that would block (and on a NULL channel), CHAN_CLOSED when c is closed
 * and drained (out zeroed). out may be NULL. */
int chan_try_recv(chan_t *c, void *out);

/* Closes c: buffered values can still be received, then receives return
 * false at once. Every blocked receiver is woken; every blocked sender
 * panics with "send on closed channel". Panics with "close of closed
 * channel" on a second close and "close of nil channel" on NULL. */
void chan_close(chan_t *c);

/* Number of values buffered in c, and its capacity. 0 for NULL. */
size_t chan_len(chan_t *c);
size_t chan_cap(chan_t *c);

/* Frees c and any values still buffered. NULL is ignored. Panics with
 * "free of channel with blocked goroutines" when a goroutine is blocked on
 * c. The caller must make sure no goroutine uses c afterwards: an
 * operation on a freed channel (a second chan_free included) panics with
 * "use of freed channel" as long as its memory has not been reused. */
void chan_free(chan_t *c);

/* Returns a channel of capacity 1 that receives one int64_t, the
 * monotonic time in nanoseconds (CLOCK_MONOTONIC), ns nanoseconds from now
 * (Go's time.After). ns <= 0 fires at once. The caller owns the channel
 * and may chan_free it at any time, also before it fires: the pending
 * timer is then cancelled. Returns NULL with errno set when out of memory. */
chan_t *chan_after(int64_t ns);

/* ------------------------------------------------------------------ */
/* select                                                               */
/* ------------------------------------------------------------------ */

enum { CHAN_DIR_SEND = 1, CHAN_DIR_RECV = 2 };

/* One case of a select. For a send, buf points to the value to send; for
 * a receive, buf receives the value (or NULL to discard it) and ok is set
 * to true with a value, false when the channel is closed. */
typedef struct {
    chan_t *c;
    int dir;
    void *buf;
    bool ok;
} chan_case;

#define CHAN_SEND_CASE(ch, ptr) \
    ((chan_case){.c = (ch), .dir = CHAN_DIR_SEND, .buf = (void *)(ptr), .ok = false})
#define CHAN_RECV_CASE(ch, ptr) \
    ((chan_case){.c = (ch), .dir = CHAN_DIR_RECV, .buf = (void *)(ptr), .ok = false})

/* Waits until one of the n cases can proceed, performs it and returns its
 * index. Among cases ready at the same time the choice is uniformly random,
 * as in Go. Cases on NULL channels never proceed. With nonblocking, returns
 * -1 at once when no case is ready (Go's default). A blocking select with
 * no case that can ever proceed (n == 0, or all NULL) blocks forever.
 * A send case on a closed channel panics with "send on closed channel". */
int chan_select(chan_case *cases, size_t n, bool nonblocking);

/* ------------------------------------------------------------------ */
/* Goroutines                                                           */
/* ------------------------------------------------------------------ */

/* Runs fn(arg) on a new detached thread with a small stack (a goroutine).
 * Returns 0, or an errno value (EAGAIN when out of threads or memory), in
 * which case fn never runs. The stack size is gochan_stack_size(). A NULL
 * fn panics with "go of nil func value" in the caller, as Go stops at the
 * go statement. */
int go(void (*fn)(void *), void *arg);

/* Stack size of goroutines started by go(), in bytes. The default is
 * 256 KiB, or the GOCHAN_STACK_SIZE environment variable (bytes, with an
 * optional K or M suffix) read at the first go(). gochan_set_stack_size
 * changes it for later go() calls; it returns EINVAL below
 * PTHREAD_STACK_MIN, else 0. */
size_t gochan_stack_size(void);
int gochan_set_stack_size(size_t bytes);

/* The calling thread's goroutine number: 1 for the thread that first used
 * libgochan or the main thread, then increasing in creation order. */
uint64_t gochan_goroutine_id(void);

/* ------------------------------------------------------------------ */
/* WaitGroup                                                            */
/* ------------------------------------------------------------------ */

/* Go's sync.WaitGroup. Initialise with WAITGROUP_INIT (or zero it); needs
 * no destruction. The fields are private. */
typedef struct {
    int64_t counter_; /* private */
    uint32_t seq_;    /* private: futex word, bumped when counter hits 0 */
    uint32_t waiters_;/* private */
} waitgroup_t;

#define WAITGROUP_INIT {0, 0, 0}

/* Adds delta (may be negative) to the counter. When it reaches zero every
 * waiter is released. Panics with "sync: negative WaitGroup counter" when
 * it would go below zero. */
void waitgroup_add(waitgroup_t *wg, int delta);

/* waitgroup_add(wg, -1). */
void waitgroup_done(waitgroup_t *wg);

/* Blocks until the counter is zero. Returns at once when it is. Panics
 * with "sync: WaitGroup is reused before previous Wait has returned" when
 * it wakes to find the counter raised again already. */
void waitgroup_wait(waitgroup_t *wg);

/* ------------------------------------------------------------------ */
/* Contexts                                                             */
/* ------------------------------------------------------------------ */

/* Go's context.Context. Opaque and reference counted: each context_with_*
 * returns a context owned by the caller, who releases it with
 * context_release (which also cancels it, like Go's deferred cancel). A
 * child keeps its parent alive. Background and TODO are never freed. */
typedef struct context context_t;

enum {
    CONTEXT_CANCELED = 1,          /* context_cancel was called */
    CONTEXT_DEADLINE_EXCEEDED = 2  /* the deadline or timeout passed */
};

/* The root contexts: never cancelled, no values, no deadline. */
context_t *context_background(void);
context_t *context_todo(void);

/* A child of parent cancelled by context_cancel, by its parent's
 * cancellation, or (for the timed variants) when the deadline passes, to
 * within 10 ms. deadline_ns is CLOCK_MONOTONIC nanoseconds. A parent
 * already done gives a child already done. Return NULL with errno ENOMEM
 * when out of memory. */
context_t *context_with_cancel(context_t *parent);
context_t *context_with_timeout(context_t *parent, int64_t ns);
context_t *context_with_deadline(context_t *parent, int64_t deadline_ns);

/* A child of parent that carries key -> value. Lookups compare keys by
 * pointer; a NULL key panics with "nil key", as Go's. It is cancelled
 * with its parent; context_cancel on it is a no-op. */
context_t *context_with_value(context_t *parent, const void *key, void *value);

/* Cancels ctx and all its descendants (err CONTEXT_CANCELED unless already
 * done). No-op on background, TODO, value contexts and done contexts. */
void context_cancel(context_t *ctx);

/* A channel closed when ctx is done, owned by ctx (do not free or close
 * it). NULL for contexts that can never be done (background, TODO, and
 * value contexts under them): a nil channel blocks forever, as in Go. */
chan_t *context_done(context_t *ctx);

/* 0 while ctx is not done, else CONTEXT_CANCELED or
 * CONTEXT_DEADLINE_EXCEEDED. */
int context_err(context_t *ctx);

/* The value of the nearest ancestor (or ctx itself) carrying key, or NULL. */
void *context_value(context_t *ctx, const void *key);

/* The deadline of ctx (the earliest of its ancestors'), in
 * CLOCK_MONOTONIC nanoseconds, or INT64_MAX when there is none. */
int64_t context_deadline(context_t *ctx);

/* Cancels ctx (as context_cancel) and drops the caller's reference. The
 * caller must not use ctx afterwards; its done channel stays valid while
 * descendants hold it. No-op on background and TODO. */
void context_release(context_t *ctx);

/* Takes another reference to ctx, for a goroutine that uses ctx while its
 * creator may release it (Go's `go worker(ctx)` followed by `defer
 * cancel()`); returns ctx. The goroutine gives it back with context_drop,
 * which does not cancel. No-op on background, TODO and NULL. */
context_t *context_retain(context_t *ctx);
void context_drop(context_t *ctx);

/* ------------------------------------------------------------------ */
/* Time and panics                                                      */
/* ------------------------------------------------------------------ */

/* CLOCK_MONOTONIC now, in nanoseconds. */
int64_t gochan_now(void);

/* Panics with the message (printf format), as Go's panic(): prints the
 * message and the calling goroutine's stack, exits with status 2. */
void gochan_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#ifdef __cplusplus
}
#endif

#endif /* GOCHAN_H */
