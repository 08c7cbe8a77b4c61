/*
 * intercept_fd.c: file descriptors as a hand-off between threads, as
 * ThreadSanitizer models them: data written to a descriptor (write, send,
 * sendmsg, sendmmsg, writev, pwrite, eventfd_write) happens before the
 * read that receives it (read, recv, recvmsg, recvmmsg, readv, pread,
 * eventfd_read).
 *
 * Each descriptor maps to a sync object, an address in this file: the
 * writer releases it before the real call (a reader may get the data
 * before the write returns), the reader acquires it after a successful
 * read. What shares an object:
 *
 *  - the two ends of a pipe or socketpair, and every dup of a descriptor:
 *    one object, the fd_sync element of the first end;
 *  - an eventfd, and any descriptor the shim did not see created (stdin,
 *    inherited ones, epoll, timerfd, memfd): its own fd_sync element;
 *    fcntl's F_DUPFD is a dup; an epoll descriptor's object orders
 *    epoll_ctl (adding or re-arming a descriptor) before the epoll_wait
 *    that reports it;
 *  - all regular files (open, openat, creat): one object, file_sync, so
 *    data written to a file through one descriptor and read back through
 *    another is ordered;
 *  - all sockets (socket, accept): one object, socket_sync, since the two
 *    ends of a loopback connection have unrelated descriptors. connect()
 *    also happens before the accept() that returns its connection.
 *  - all POSIX message queues (mq_open): one object, mq_sync, since two
 *    mq_open calls of one name give unrelated descriptors: mq_send and
 *    mq_timedsend happen before the mq_receive or mq_timedreceive that
 *    gets the message.
 *
 * End of stream is a message too: close() of a pipe, socketpair, eventfd
 * or unknown descriptor releases its object, and a read that returns 0
 * (EOF) acquires it, so "close the pipe to say done" orders the closer's
 * work before the reader's. A closed descriptor maps back to its own
 * element; an object is forgotten (sync_free) when a new pipe, socketpair
 * or eventfd is created on its element, not at close: the pipe's data,
 * and its edge, outlive the writer's close.
 *
 * Descriptors at or above FD_TABLE share elements with fd % FD_TABLE:
 * that can only add edges (hide a race), never report a false one.
 *
 * The buffers are memory accesses too: write() reads the bytes it wrote,
 * read() writes the bytes it returned. Socket address out-parameters are
 * not checked. Calls made by the shim itself (its own output, libdw
 * opening debug files) pass through like everywhere else.
 */
#undef _FORTIFY_SOURCE /* the fortified inline wrappers would clash with these definitions */

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "access.h"
#include "fd_lifetime.h"
#include "intercept.h"
#include "options.h"
#include "sync.h"

/* glibc's report of a failed _FORTIFY_SOURCE check; does not return. */
void __chk_fail(void) __attribute__((noreturn));

#define FD_TABLE 65536u

static char fd_sync[FD_TABLE];                  /* per-descriptor objects: their addresses */
static char file_sync, socket_sync, connect_sync, mq_sync; /* shared objects */
/* fd % FD_TABLE -> its object's address; 0: its own fd_sync element. */
static _Atomic uintptr_t fd_obj[FD_TABLE];
/* fd % FD_TABLE -> the object of the first epoll set it was added to (0:
 * none): data written to it is also handed to the epoll_wait that
 * reports it, as ThreadSanitizer models it. Dropped at close. */
static _Atomic uintptr_t fd_poll[FD_TABLE];

/* ---------------------------------------------------------------- the table */

static size_t fd_index(int fd)
{
    return (unsigned)fd % FD_TABLE;
}

static uintptr_t fd_own(int fd)
{
    return (uintptr_t)&fd_sync[fd_index(fd)];
}

static uintptr_t fd_key(int fd)
{
    uintptr_t k = atomic_load_explicit(&fd_obj[fd_index(fd)], memory_order_relaxed);
    return k ? k : fd_own(fd);
}

static void fd_bind(int fd, uintptr_t key)
{
    if (fd >= 0)
        atomic_store_explicit(&fd_obj[fd_index(fd)], key == fd_own(fd) ? 0 : key, memory_order_relaxed);
}

/* fd is a new channel of its own (or the first end of one): whatever its
 * element carried for an earlier descriptor is forgotten. */
static uintptr_t fd_fresh(crace_thread *t, int fd)
{
    t->in_shim++;
    sync_free(fd_own(fd));
    t->in_shim--;
    fd_bind(fd, fd_own(fd));
    return fd_own(fd);
}

/* ---------------------------------------------------------------- hooks */

/* Hooks run after the real call has set errno (and the program may read
 * it even on success): they must not change it. */
static void fd_release(crace_thread *t, uintptr_t key)
{
    int e = errno;
    t->in_shim++;
    crace_release(t, key);
    t->in_shim--;
    errno = e;
}

static void fd_acquire(crace_thread *t, uintptr_t key)
{
    int e = errno;
    t->in_shim++;
    crace_acquire(t, key);
    t->in_shim--;
    errno = e;
}

/* The iovec array is read; its buffers, in order, read or written for
 * bytes bytes. */
static void check_iov(crace_thread *t, const struct iovec *iov, size_t cnt, size_t bytes, bool is_write,
                      uintptr_t pc)
{
    crace_check_range(t, iov, cnt * sizeof(iov[0]), false, pc);
    for (size_t i = 0; i < cnt && bytes > 0; i++) {
        size_t n = iov[i].iov_len < bytes ? iov[i].iov_len : bytes;
        crace_check_range(t, iov[i].iov_base, n, is_write, pc);
        bytes -= n;
    }
}

/* A writer, called at pc: before the real call. Its use of the
 * descriptor comes before the release, which covers it. */
static void sent(crace_thread *t, int fd, uintptr_t pc)
{
    crace_fd_use(t, fd, pc);
    if (fd < 0)
        return;
    fd_release(t, fd_key(fd));
    uintptr_t poll = atomic_load_explicit(&fd_poll[fd_index(fd)], memory_order_relaxed);
    if (poll)
        fd_release(t, poll);
}

/* A reader, after the real call returned r for a request of n bytes:
 * data, or end of stream, was received. */
static void received(crace_thread *t, int fd, ssize_t r, size_t n)
{
    if (fd >= 0 && (r > 0 || (r == 0 && n > 0)))
        fd_acquire(t, fd_key(fd));
}

/* ---------------------------------------------------------------- writers */

INTERCEPTOR(ssize_t, write, int fd, const void *buf, size_t n)
{
    INTERCEPTOR_ENTER(write, fd, buf, n);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(write)(fd, buf, n);
    sent(thr, fd, pc);
    ssize_t r = REAL(write)(fd, buf, n);
    if (r > 0)
        crace_check_range(thr, buf, (size_t)r, false, pc);
    return r;
}

INTERCEPTOR(ssize_t, pwrite, int fd, const void *buf, size_t n, off_t off)
{
    INTERCEPTOR_ENTER(pwrite, fd, buf, n, off);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(pwrite)(fd, buf, n, off);
    sent(thr, fd, pc);
    ssize_t r = REAL(pwrite)(fd, buf, n, off);
    if (r > 0)
        crace_check_range(thr, buf, (size_t)r, false, pc);
    return r;
}

INTERCEPTOR(ssize_t, pwrite64, int fd, const void *buf, size_t n, off64_t off)
{
    INTERCEPTOR_ENTER(pwrite64, fd, buf, n, off);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(pwrite64)(fd, buf, n, off);
    sent(thr, fd, pc);
    ssize_t r = REAL(pwrite64)(fd, buf, n, off);
    if (r > 0)
        crace_check_range(thr, buf, (size_t)r, false, pc);
    return r;
}

INTERCEPTOR(ssize_t, writev, int fd, const struct iovec *iov, int cnt)
{
    INTERCEPTOR_ENTER(writev, fd, iov, cnt);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(writev)(fd, iov, cnt);
    sent(thr, fd, pc);
    ssize_t r = REAL(writev)(fd, iov, cnt);
    if (r > 0)
        check_iov(thr, iov, (size_t)cnt, (size_t)r, false, pc);
    return r;
}

INTERCEPTOR(ssize_t, send, int fd, const void *buf, size_t n, int flags)
{
    INTERCEPTOR_ENTER(send, fd, buf, n, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(send)(fd, buf, n, flags);
    sent(thr, fd, pc);
    ssize_t r = REAL(send)(fd, buf, n, flags);
    if (r > 0)
        crace_check_range(thr, buf, (size_t)r, false, pc);
    return r;
}

INTERCEPTOR(ssize_t, sendto, int fd, const void *buf, size_t n, int flags, const struct sockaddr *addr,
            socklen_t addrlen)
{
    INTERCEPTOR_ENTER(sendto, fd, buf, n, flags, addr, addrlen);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(sendto)(fd, buf, n, flags, addr, addrlen);
    sent(thr, fd, pc);
    ssize_t r = REAL(sendto)(fd, buf, n, flags, addr, addrlen);
    if (r > 0) {
        crace_check_range(thr, buf, (size_t)r, false, pc);
        crace_check_range(thr, addr, addrlen, false, pc);
    }
    return r;
}

/* What sending msg, bytes of its data sent, read of the program's memory. */
static void msg_sent(crace_thread *t, const struct msghdr *msg, size_t bytes, uintptr_t pc)
{
    crace_check_range(t, msg, sizeof(*msg), false, pc);
    crace_check_range(t, msg->msg_name, msg->msg_namelen, false, pc);
    crace_check_range(t, msg->msg_control, msg->msg_controllen, false, pc);
    check_iov(t, msg->msg_iov, msg->msg_iovlen, bytes, false, pc);
}

INTERCEPTOR(ssize_t, sendmsg, int fd, const struct msghdr *msg, int flags)
{
    INTERCEPTOR_ENTER(sendmsg, fd, msg, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(sendmsg)(fd, msg, flags);
    sent(thr, fd, pc);
    ssize_t r = REAL(sendmsg)(fd, msg, flags);
    if (r >= 0)
        msg_sent(thr, msg, (size_t)r, pc);
    return r;
}

/* A batch of messages: the first r were sent, each msg_len bytes (which
 * the kernel writes). */
INTERCEPTOR(int, sendmmsg, int fd, struct mmsghdr *msgs, unsigned n, int flags)
{
    INTERCEPTOR_ENTER(sendmmsg, fd, msgs, n, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(sendmmsg)(fd, msgs, n, flags);
    sent(thr, fd, pc);
    int r = REAL(sendmmsg)(fd, msgs, n, flags);
    for (int i = 0; i < r; i++) {
        msg_sent(thr, &msgs[i].msg_hdr, msgs[i].msg_len, pc);
        crace_check_range(thr, &msgs[i].msg_len, sizeof(msgs[i].msg_len), true, pc);
    }
    return r;
}

INTERCEPTOR(int, eventfd_write, int fd, eventfd_t value)
{
    INTERCEPTOR_ENTER(eventfd_write, fd, value);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(eventfd_write)(fd, value);
    /* glibc's eventfd_write calls write() inside libc, past the
     * interceptor above. */
    sent(thr, fd, pc);
    return REAL(eventfd_write)(fd, value);
}

/* ---------------------------------------------------------------- readers */

/* read and the variants with the same outcome: r bytes of buf written. */
static ssize_t after_read(crace_thread *t, int fd, void *buf, size_t n, ssize_t r, uintptr_t pc)
{
    received(t, fd, r, n);
    if (r > 0)
        crace_check_range(t, buf, (size_t)r, true, pc);
    return r;
}

INTERCEPTOR(ssize_t, read, int fd, void *buf, size_t n)
{
    INTERCEPTOR_ENTER(read, fd, buf, n);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(read)(fd, buf, n);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(read)(fd, buf, n), pc);
}

INTERCEPTOR(ssize_t, pread, int fd, void *buf, size_t n, off_t off)
{
    INTERCEPTOR_ENTER(pread, fd, buf, n, off);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(pread)(fd, buf, n, off);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(pread)(fd, buf, n, off), pc);
}

INTERCEPTOR(ssize_t, pread64, int fd, void *buf, size_t n, off64_t off)
{
    INTERCEPTOR_ENTER(pread64, fd, buf, n, off);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(pread64)(fd, buf, n, off);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(pread64)(fd, buf, n, off), pc);
}

INTERCEPTOR(ssize_t, recv, int fd, void *buf, size_t n, int flags)
{
    INTERCEPTOR_ENTER(recv, fd, buf, n, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(recv)(fd, buf, n, flags);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(recv)(fd, buf, n, flags), pc);
}

INTERCEPTOR(ssize_t, recvfrom, int fd, void *buf, size_t n, int flags, struct sockaddr *addr, socklen_t *addrlen)
{
    INTERCEPTOR_ENTER(recvfrom, fd, buf, n, flags, addr, addrlen);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(recvfrom)(fd, buf, n, flags, addr, addrlen);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(recvfrom)(fd, buf, n, flags, addr, addrlen), pc);
}

INTERCEPTOR(ssize_t, readv, int fd, const struct iovec *iov, int cnt)
{
    INTERCEPTOR_ENTER(readv, fd, iov, cnt);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(readv)(fd, iov, cnt);
    crace_fd_use(thr, fd, pc);
    ssize_t r = REAL(readv)(fd, iov, cnt);
    size_t total = 0;
    for (int i = 0; r == 0 && i < cnt; i++)
        total += iov[i].iov_len; /* only to tell EOF from an empty request */
    received(thr, fd, r, r > 0 ? (size_t)r : total);
    if (r > 0)
        check_iov(thr, iov, (size_t)cnt, (size_t)r, true, pc);
    return r;
}

/* msg received on fd with bytes of data: the hand-off acquired, and the
 * kernel filled in the lengths, the flags and the buffers. */
static void msg_received(crace_thread *t, int fd, struct msghdr *msg, size_t bytes, uintptr_t pc)
{
    size_t total = 0;
    for (size_t i = 0; i < msg->msg_iovlen; i++)
        total += msg->msg_iov[i].iov_len;
    received(t, fd, (ssize_t)bytes, total);
    crace_check_range(t, msg, sizeof(*msg), false, pc);
    crace_check_range(t, &msg->msg_namelen, sizeof(msg->msg_namelen), true, pc);
    crace_check_range(t, &msg->msg_controllen, sizeof(msg->msg_controllen), true, pc);
    crace_check_range(t, &msg->msg_flags, sizeof(msg->msg_flags), true, pc);
    crace_check_range(t, msg->msg_name, msg->msg_namelen, true, pc);
    crace_check_range(t, msg->msg_control, msg->msg_controllen, true, pc);
    check_iov(t, msg->msg_iov, msg->msg_iovlen, bytes, true, pc);
}

INTERCEPTOR(ssize_t, recvmsg, int fd, struct msghdr *msg, int flags)
{
    INTERCEPTOR_ENTER(recvmsg, fd, msg, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(recvmsg)(fd, msg, flags);
    crace_fd_use(thr, fd, pc);
    ssize_t r = REAL(recvmsg)(fd, msg, flags);
    if (r >= 0)
        msg_received(thr, fd, msg, (size_t)r, pc);
    return r;
}

/* A batch: the first r messages were received, each msg_len bytes. */
INTERCEPTOR(int, recvmmsg, int fd, struct mmsghdr *msgs, unsigned n, int flags, struct timespec *timeout)
{
    INTERCEPTOR_ENTER(recvmmsg, fd, msgs, n, flags, timeout);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(recvmmsg)(fd, msgs, n, flags, timeout);
    crace_fd_use(thr, fd, pc);
    int r = REAL(recvmmsg)(fd, msgs, n, flags, timeout);
    for (int i = 0; i < r; i++) {
        crace_check_range(thr, &msgs[i].msg_len, sizeof(msgs[i].msg_len), true, pc);
        msg_received(thr, fd, &msgs[i].msg_hdr, msgs[i].msg_len, pc);
    }
    return r;
}

INTERCEPTOR(int, eventfd_read, int fd, eventfd_t *value)
{
    INTERCEPTOR_ENTER(eventfd_read, fd, value);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(eventfd_read)(fd, value);
    crace_fd_use(thr, fd, pc);
    /* Like eventfd_write: its read() happens inside libc. */
    int r = REAL(eventfd_read)(fd, value);
    if (r == 0) {
        received(thr, fd, sizeof(*value), sizeof(*value));
        crace_check_range(thr, value, sizeof(*value), true, pc);
    }
    return r;
}

/* _FORTIFY_SOURCE's variants: glibc's bounds check (a failure ends the
 * program in __chk_fail), then the plain function, whose glibc versions
 * they call past the interceptors above. */

CRACE_EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    if (n > buflen)
        __chk_fail();
    INTERCEPTOR_ENTER(read, fd, buf, n);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(read)(fd, buf, n);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(read)(fd, buf, n), pc);
}

CRACE_EXPORT ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
    if (n > buflen)
        __chk_fail();
    INTERCEPTOR_ENTER(pread, fd, buf, n, off);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(pread)(fd, buf, n, off);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(pread)(fd, buf, n, off), pc);
}

CRACE_EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t n, off64_t off, size_t buflen)
{
    if (n > buflen)
        __chk_fail();
    INTERCEPTOR_ENTER(pread64, fd, buf, n, off);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(pread64)(fd, buf, n, off);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(pread64)(fd, buf, n, off), pc);
}

CRACE_EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t buflen, int flags)
{
    if (n > buflen)
        __chk_fail();
    INTERCEPTOR_ENTER(recv, fd, buf, n, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(recv)(fd, buf, n, flags);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(recv)(fd, buf, n, flags), pc);
}

CRACE_EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t buflen, int flags,
                                    struct sockaddr *addr, socklen_t *addrlen)
{
    if (n > buflen)
        __chk_fail();
    INTERCEPTOR_ENTER(recvfrom, fd, buf, n, flags, addr, addrlen);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(recvfrom)(fd, buf, n, flags, addr, addrlen);
    crace_fd_use(thr, fd, pc);
    return after_read(thr, fd, buf, n, REAL(recvfrom)(fd, buf, n, flags, addr, addrlen), pc);
}

/* ---------------------------------------------------------------- creation */

/* Both ends of a pipe or socketpair share the first end's object. */
static void new_pair(crace_thread *t, int fds[2], uintptr_t pc)
{
    uintptr_t key = fd_fresh(t, fds[0]);
    fd_bind(fds[1], key);
    crace_check_range(t, fds, 2 * sizeof(fds[0]), true, pc);
    crace_fd_created(t, fds[0], pc);
    crace_fd_created(t, fds[1], pc);
}

INTERCEPTOR(int, pipe, int fds[2])
{
    INTERCEPTOR_ENTER(pipe, fds);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(pipe)(fds);
    int r = REAL(pipe)(fds);
    if (r == 0)
        new_pair(thr, fds, pc);
    return r;
}

INTERCEPTOR(int, pipe2, int fds[2], int flags)
{
    INTERCEPTOR_ENTER(pipe2, fds, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(pipe2)(fds, flags);
    int r = REAL(pipe2)(fds, flags);
    if (r == 0)
        new_pair(thr, fds, pc);
    return r;
}

INTERCEPTOR(int, socketpair, int domain, int type, int protocol, int fds[2])
{
    INTERCEPTOR_ENTER(socketpair, domain, type, protocol, fds);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(socketpair)(domain, type, protocol, fds);
    int r = REAL(socketpair)(domain, type, protocol, fds);
    if (r == 0)
        new_pair(thr, fds, pc);
    return r;
}

INTERCEPTOR(int, eventfd, unsigned int initval, int flags)
{
    INTERCEPTOR_ENTER(eventfd, initval, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(eventfd)(initval, flags);
    int fd = REAL(eventfd)(initval, flags);
    if (fd >= 0) {
        fd_fresh(thr, fd);
        crace_fd_created(thr, fd, pc);
    }
    return fd;
}

INTERCEPTOR(int, socket, int domain, int type, int protocol)
{
    INTERCEPTOR_ENTER(socket, domain, type, protocol);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(socket)(domain, type, protocol);
    int fd = REAL(socket)(domain, type, protocol);
    fd_bind(fd, (uintptr_t)&socket_sync);
    crace_fd_created(thr, fd, pc);
    return fd;
}

INTERCEPTOR(int, connect, int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    INTERCEPTOR_ENTER(connect, fd, addr, addrlen);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(connect)(fd, addr, addrlen);
    crace_fd_use(thr, fd, pc);
    fd_release(thr, (uintptr_t)&connect_sync);
    int r = REAL(connect)(fd, addr, addrlen);
    if (r == 0 || errno == EINPROGRESS)
        crace_check_range(thr, addr, addrlen, false, pc);
    return r;
}

INTERCEPTOR(int, accept, int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    INTERCEPTOR_ENTER(accept, fd, addr, addrlen);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(accept)(fd, addr, addrlen);
    crace_fd_use(thr, fd, pc);
    int c = REAL(accept)(fd, addr, addrlen);
    if (c >= 0) {
        fd_acquire(thr, (uintptr_t)&connect_sync);
        fd_bind(c, (uintptr_t)&socket_sync);
        crace_fd_created(thr, c, pc);
    }
    return c;
}

INTERCEPTOR(int, accept4, int fd, struct sockaddr *addr, socklen_t *addrlen, int flags)
{
    INTERCEPTOR_ENTER(accept4, fd, addr, addrlen, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(accept4)(fd, addr, addrlen, flags);
    crace_fd_use(thr, fd, pc);
    int c = REAL(accept4)(fd, addr, addrlen, flags);
    if (c >= 0) {
        fd_acquire(thr, (uintptr_t)&connect_sync);
        fd_bind(c, (uintptr_t)&socket_sync);
        crace_fd_created(thr, c, pc);
    }
    return c;
}

/* open's optional third argument, read as glibc does. */
static bool open_has_mode(int flags)
{
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

#define OPEN_MODE(flags, mode)                     \
    do {                                           \
        if (open_has_mode(flags)) {                \
            va_list ap;                            \
            va_start(ap, flags);                   \
            mode = (mode_t)va_arg(ap, int);        \
            va_end(ap);                            \
        }                                          \
    } while (0)

/* A new file descriptor, opened at pc: every regular file shares
 * file_sync. */
static int opened(crace_thread *t, int fd, uintptr_t pc)
{
    fd_bind(fd, (uintptr_t)&file_sync);
    crace_fd_created(t, fd, pc);
    return fd;
}

INTERCEPTOR(int, open, const char *path, int flags, ...)
{
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    INTERCEPTOR_ENTER(open, path, flags, mode);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(open)(path, flags, mode);
    return opened(thr, REAL(open)(path, flags, mode), pc);
}

INTERCEPTOR(int, open64, const char *path, int flags, ...)
{
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    INTERCEPTOR_ENTER(open64, path, flags, mode);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(open64)(path, flags, mode);
    return opened(thr, REAL(open64)(path, flags, mode), pc);
}

INTERCEPTOR(int, openat, int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    INTERCEPTOR_ENTER(openat, dirfd, path, flags, mode);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(openat)(dirfd, path, flags, mode);
    return opened(thr, REAL(openat)(dirfd, path, flags, mode), pc);
}

INTERCEPTOR(int, openat64, int dirfd, const char *path, int flags, ...)
{
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    INTERCEPTOR_ENTER(openat64, dirfd, path, flags, mode);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(openat64)(dirfd, path, flags, mode);
    return opened(thr, REAL(openat64)(dirfd, path, flags, mode), pc);
}

INTERCEPTOR(int, creat, const char *path, mode_t mode)
{
    INTERCEPTOR_ENTER(creat, path, mode);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(creat)(path, mode);
    return opened(thr, REAL(creat)(path, mode), pc);
}

INTERCEPTOR(int, creat64, const char *path, mode_t mode)
{
    INTERCEPTOR_ENTER(creat64, path, mode);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(creat64)(path, mode);
    return opened(thr, REAL(creat64)(path, mode), pc);
}

/* ---------------------------------------------------------------- message queues */

/* A message queue opened at pc (Linux: a descriptor): all share mq_sync.
 * O_CREAT brings a mode and an attribute pointer. */
INTERCEPTOR(mqd_t, mq_open, const char *name, int flags, ...)
{
    mode_t mode = 0;
    struct mq_attr *attr = NULL;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        attr = va_arg(ap, struct mq_attr *);
        va_end(ap);
    }
    INTERCEPTOR_ENTER(mq_open, name, flags, mode, attr);
    uintptr_t pc = CALLER_PC();
    mqd_t q = REAL(mq_open)(name, flags, mode, attr);
    if (q >= 0 && !crace_pc_in_shim(pc)) {
        fd_bind(q, (uintptr_t)&mq_sync);
        crace_fd_created(thr, q, pc);
    }
    return q;
}

/* A message of n bytes at msg sent (r == 0), from pc. */
static int mq_sent(crace_thread *t, const char *msg, size_t n, int r, uintptr_t pc)
{
    if (r == 0)
        crace_check_range(t, msg, n, false, pc);
    return r;
}

/* A message of r bytes received (r >= 0, which may be 0) into buf on q,
 * its priority into *prio. */
static ssize_t mq_received(crace_thread *t, mqd_t q, char *buf, size_t n, unsigned *prio, ssize_t r,
                           uintptr_t pc)
{
    if (r < 0)
        return r;
    received(t, q, r, n); /* n is never 0: at least the queue's message size */
    crace_check_range(t, buf, (size_t)r, true, pc);
    if (prio)
        crace_check_range(t, prio, sizeof(*prio), true, pc);
    return r;
}

INTERCEPTOR(int, mq_send, mqd_t q, const char *msg, size_t n, unsigned prio)
{
    INTERCEPTOR_ENTER(mq_send, q, msg, n, prio);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(mq_send)(q, msg, n, prio);
    sent(thr, q, pc);
    return mq_sent(thr, msg, n, REAL(mq_send)(q, msg, n, prio), pc);
}

INTERCEPTOR(int, mq_timedsend, mqd_t q, const char *msg, size_t n, unsigned prio, const struct timespec *at)
{
    INTERCEPTOR_ENTER(mq_timedsend, q, msg, n, prio, at);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(mq_timedsend)(q, msg, n, prio, at);
    sent(thr, q, pc);
    return mq_sent(thr, msg, n, REAL(mq_timedsend)(q, msg, n, prio, at), pc);
}

INTERCEPTOR(ssize_t, mq_receive, mqd_t q, char *buf, size_t n, unsigned *prio)
{
    INTERCEPTOR_ENTER(mq_receive, q, buf, n, prio);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(mq_receive)(q, buf, n, prio);
    crace_fd_use(thr, q, pc);
    return mq_received(thr, q, buf, n, prio, REAL(mq_receive)(q, buf, n, prio), pc);
}

INTERCEPTOR(ssize_t, mq_timedreceive, mqd_t q, char *buf, size_t n, unsigned *prio, const struct timespec *at)
{
    INTERCEPTOR_ENTER(mq_timedreceive, q, buf, n, prio, at);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(mq_timedreceive)(q, buf, n, prio, at);
    crace_fd_use(thr, q, pc);
    return mq_received(thr, q, buf, n, prio, REAL(mq_timedreceive)(q, buf, n, prio, at), pc);
}

/* ---------------------------------------------------------------- dup, close */

/* A duplicate reaches the same file, pipe or socket: the same object.
 * Made at pc, onto a number given (dup2, dup3) or a new one; the
 * original was used (crace_fd_use, before the call). */
static int duplicated(crace_thread *t, int oldfd, int newfd, bool onto, uintptr_t pc)
{
    /* A standard stream pointed elsewhere on purpose: reports follow. */
    if (newfd == STDOUT_FILENO || newfd == STDERR_FILENO)
        output_std_redirected(newfd);
    if (oldfd >= 0 && newfd >= 0 && newfd != oldfd) {
        fd_bind(newfd, fd_key(oldfd));
        if (onto)
            crace_fd_replaced(t, newfd, pc);
        else
            crace_fd_created(t, newfd, pc);
    }
    return newfd;
}

/* Before dup2 or dup3 of oldfd onto newfd: both are used. The call also
 * closes an open newfd, but as a read, not a write (ThreadSanitizer's
 * choice): the number keeps naming an open file throughout, and daemons
 * put /dev/null in place of stdin or stdout, or a closed pipe in place of
 * a socket they are about to close, while other threads use it. A close()
 * racing with the dup2 is still reported. */
static void duplicating_onto(crace_thread *t, int oldfd, int newfd, uintptr_t pc)
{
    crace_fd_use(t, oldfd, pc);
    if (newfd != oldfd)
        crace_fd_use(t, newfd, pc);
}

INTERCEPTOR(int, dup, int fd)
{
    INTERCEPTOR_ENTER(dup, fd);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(dup)(fd);
    crace_fd_use(thr, fd, pc);
    return duplicated(thr, fd, REAL(dup)(fd), false, pc);
}

INTERCEPTOR(int, dup2, int oldfd, int newfd)
{
    INTERCEPTOR_ENTER(dup2, oldfd, newfd);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(dup2)(oldfd, newfd);
    duplicating_onto(thr, oldfd, newfd, pc);
    return duplicated(thr, oldfd, REAL(dup2)(oldfd, newfd), true, pc);
}

INTERCEPTOR(int, dup3, int oldfd, int newfd, int flags)
{
    INTERCEPTOR_ENTER(dup3, oldfd, newfd, flags);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(dup3)(oldfd, newfd, flags);
    duplicating_onto(thr, oldfd, newfd, pc);
    return duplicated(thr, oldfd, REAL(dup3)(oldfd, newfd, flags), true, pc);
}

/* freopen of stdout or stderr points descriptor 1 or 2 at another file
 * on purpose (a log, /dev/null): reports to that stream follow
 * (output.c). Whatever the stream, the real call does the work. */
#define FREOPEN_INTERCEPTOR(name)                                              \
    INTERCEPTOR(FILE *, name, const char *path, const char *mode, FILE *f)     \
    {                                                                          \
        INTERCEPTOR_ENTER(name, path, mode, f);                                \
        FILE *r = REAL(name)(path, mode, f);                                   \
        int fd = r ? fileno(r) : -1;                                           \
        if (fd == STDOUT_FILENO || fd == STDERR_FILENO)                        \
            output_std_redirected(fd);                                         \
        return r;                                                              \
    }
FREOPEN_INTERCEPTOR(freopen)
FREOPEN_INTERCEPTOR(freopen64)

/* fcntl's F_DUPFD and F_DUPFD_CLOEXEC are dups too. The third argument
 * is an int or a pointer by command, or nothing: passed on as the one
 * word the kernel takes. */
#define FCNTL_INTERCEPTOR(name)                                            \
    INTERCEPTOR(int, name, int fd, int cmd, ...)                           \
    {                                                                      \
        va_list ap;                                                        \
        va_start(ap, cmd);                                                 \
        unsigned long arg = va_arg(ap, unsigned long);                     \
        va_end(ap);                                                        \
        INTERCEPTOR_ENTER(name, fd, cmd, arg);                             \
        uintptr_t pc = CALLER_PC();                                        \
        bool dup = (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && !crace_pc_in_shim(pc); \
        if (dup)                                                           \
            crace_fd_use(thr, fd, pc);                                     \
        int r = REAL(name)(fd, cmd, arg);                                  \
        if (dup)                                                           \
            duplicated(thr, fd, r, false, pc);                             \
        return r;                                                          \
    }
FCNTL_INTERCEPTOR(fcntl)
FCNTL_INTERCEPTOR(fcntl64)

/* epoll: adding or re-arming a descriptor in an epoll set happens before
 * the epoll_wait that reports it (ThreadSanitizer's model): a thread that
 * prepares data and then re-arms a one-shot descriptor hands the data to
 * the thread the wait wakes. One object per epoll descriptor, which a
 * write to a descriptor in the set also releases (fd_poll): the wait that
 * reports the data comes after the write, and after the writer's use of
 * the descriptor, so the waiter may close it. */
INTERCEPTOR(int, epoll_ctl, int epfd, int op, int fd, struct epoll_event *ev)
{
    INTERCEPTOR_ENTER(epoll_ctl, epfd, op, fd, ev);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(epoll_ctl)(epfd, op, fd, ev);
    crace_fd_use(thr, epfd, pc);
    crace_fd_use(thr, fd, pc);
    if ((op == EPOLL_CTL_ADD || op == EPOLL_CTL_MOD) && epfd >= 0) {
        fd_release(thr, fd_key(epfd));
        uintptr_t none = 0;
        if (fd >= 0)
            atomic_compare_exchange_strong(&fd_poll[fd_index(fd)], &none, fd_key(epfd));
    }
    return REAL(epoll_ctl)(epfd, op, fd, ev);
}

#define EPOLL_WAIT_INTERCEPTOR(name, ...)                                  \
    {                                                                      \
        uintptr_t pc = CALLER_PC();                                        \
        if (crace_pc_in_shim(pc))                                          \
            return REAL(name)(__VA_ARGS__);                                \
        crace_fd_use(thr, epfd, pc);                                       \
        int r = REAL(name)(__VA_ARGS__);                                   \
        if (r > 0)                                                         \
            fd_acquire(thr, fd_key(epfd));                                 \
        return r;                                                          \
    }

INTERCEPTOR(int, epoll_wait, int epfd, struct epoll_event *events, int maxevents, int timeout)
{
    INTERCEPTOR_ENTER(epoll_wait, epfd, events, maxevents, timeout);
    EPOLL_WAIT_INTERCEPTOR(epoll_wait, epfd, events, maxevents, timeout)
}

INTERCEPTOR(int, epoll_pwait, int epfd, struct epoll_event *events, int maxevents, int timeout,
            const sigset_t *sigmask)
{
    INTERCEPTOR_ENTER(epoll_pwait, epfd, events, maxevents, timeout, sigmask);
    EPOLL_WAIT_INTERCEPTOR(epoll_pwait, epfd, events, maxevents, timeout, sigmask)
}

/* The mapping is dropped, and the close checked as a write of the
 * descriptor, before the real close: once the number is free, another
 * thread's open() may get it and bind it. */
INTERCEPTOR(int, close, int fd)
{
    INTERCEPTOR_ENTER(close, fd);
    uintptr_t pc = CALLER_PC();
    if (crace_pc_in_shim(pc))
        return REAL(close)(fd);
    if (fd >= 0) {
        /* Checked, then cleared before the number is free: another
         * thread may get it from a creation crace does not see and use it
         * at once. Cleared again after, of uses racing with the close. */
        crace_fd_end(thr, fd, pc);
        crace_fd_ended(fd);
        uintptr_t key = fd_key(fd);
        if (key != (uintptr_t)&file_sync && key != (uintptr_t)&socket_sync && key != (uintptr_t)&mq_sync)
            fd_release(thr, key); /* end of stream (see the top) */
        fd_bind(fd, fd_own(fd));
        atomic_store_explicit(&fd_poll[fd_index(fd)], 0, memory_order_relaxed);
    }
    int r = REAL(close)(fd);
    if (r == 0)
        crace_fd_ended(fd);
    return r;
}
