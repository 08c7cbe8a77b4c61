/*
 * intercept_timer.c: POSIX timers. Arming a timer (timer_settime)
 * happens before what its expiry runs, as sending a signal happens before
 * its handler: the data a program prepares and then arms a timer for is
 * read by the timer's code without a report.
 *
 *  - SIGEV_THREAD: glibc runs the notification function in a thread of
 *    its own, started by an internal call no interceptor sees. The
 *    function is given to glibc wrapped (timer_thread_entry): the thread
 *    acquires what the timer's arming released, and shows as created
 *    where the timer was (reports had "created at:" and nothing under
 *    it, and data set before timer_settime raced with the callback).
 *  - SIGEV_SIGNAL and SIGEV_THREAD_ID: arming publishes to the signal's
 *    handler and sigwait, as kill does (intercept_signal.c).
 *
 * Timers are found again by their id in a table filled with
 * compare-and-swap, never emptied: a deleted timer's record stays (a
 * notification glibc started before the delete may still use it), and an
 * id the kernel reuses gets the new timer's record. Records are never
 * freed: a few dozen bytes a timer. A program with more distinct ids than
 * the table holds gets no ordering for the others (reports it may then
 * make are listed in docs/limitations.md).
 */
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include "access.h"
#include "intercept.h"
#include "sync.h"

struct timer_rec {
    void (*fn)(union sigval); /* SIGEV_THREAD: the program's function */
    union sigval value;       /* and its argument */
    stack_id creation;        /* where the timer was created */
    uint64_t creator;         /* by which goroutine */
    int signo;                /* SIGEV_SIGNAL, SIGEV_THREAD_ID: the signal; else 0 */
};

/* Timer ids (plus one: 0 is a kernel id) and their records. */
enum { TIMER_SLOTS = 4096 };
static _Atomic uintptr_t timer_ids[TIMER_SLOTS];
static struct timer_rec *_Atomic timer_recs[TIMER_SLOTS];

/* id's slot, claimed for it when add; -1 when it has none (or no room). */
static long timer_slot(timer_t id, bool add)
{
    uintptr_t key = (uintptr_t)id + 1;
    size_t h = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 52) % TIMER_SLOTS;
    for (size_t i = 0; i < TIMER_SLOTS; i++) {
        size_t k = (h + i) % TIMER_SLOTS;
        uintptr_t v = atomic_load_explicit(&timer_ids[k], memory_order_acquire);
        if (v == key)
            return (long)k;
        if (v != 0)
            continue;
        if (!add)
            return -1;
        if (atomic_compare_exchange_strong(&timer_ids[k], &v, key) || v == key)
            return (long)k;
    }
    return -1;
}

static void timer_thread_entry(union sigval v)
{
    struct timer_rec *r = v.sival_ptr;
    crace_thread *t = crace_thr();
    /* A thread glibc made for this notification: its creation is the
     * timer's. */
    if (!t->creation_stack) {
        t->creation_stack = r->creation;
        t->parent_gid = r->creator;
    }
    crace_acquire(t, (uintptr_t)r);
    r->fn(r->value);
}

INTERCEPTOR(int, timer_create, clockid_t clock, struct sigevent *restrict sev, timer_t *restrict id)
{
    INTERCEPTOR_ENTER(timer_create, clock, sev, id);
    if (!sev || !id ||
        (sev->sigev_notify != SIGEV_THREAD && sev->sigev_notify != SIGEV_SIGNAL &&
         sev->sigev_notify != SIGEV_THREAD_ID))
        return REAL(timer_create)(clock, sev, id);
    struct timer_rec *r = crace_alloc(sizeof(*r));
    r->creation = crace_current_stack(thr, CALLER_PC());
    r->creator = thr->gid;
    struct sigevent mine = *sev;
    if (sev->sigev_notify == SIGEV_THREAD) {
        r->fn = sev->sigev_notify_function;
        r->value = sev->sigev_value;
        mine.sigev_notify_function = timer_thread_entry;
        mine.sigev_value.sival_ptr = r;
    } else {
        r->signo = sev->sigev_signo;
    }
    int rc = REAL(timer_create)(clock, &mine, id);
    if (rc != 0) {
        crace_free(r);
        return rc;
    }
    long k = timer_slot(*id, true);
    if (k >= 0)
        atomic_store_explicit(&timer_recs[k], r, memory_order_release);
    return rc;
}

INTERCEPTOR(int, timer_settime, timer_t id, int flags, const struct itimerspec *restrict value,
            struct itimerspec *restrict old)
{
    INTERCEPTOR_ENTER(timer_settime, id, flags, value, old);
    long k = timer_slot(id, false);
    struct timer_rec *r = k >= 0 ? atomic_load_explicit(&timer_recs[k], memory_order_acquire) : NULL;
    if (r && r->signo)
        crace_signal_publish(thr, r->signo);
    else if (r)
        crace_release(thr, (uintptr_t)r);
    return REAL(timer_settime)(id, flags, value, old);
}
