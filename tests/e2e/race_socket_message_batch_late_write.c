/* The twin of norace_socket_message_batches: the sender writes its
 * record again after the sendmmsg, which the receiver's recvmmsg does not
 * follow. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int sv[2];
static long record;

static void *sender(void *arg)
{
    (void)arg;
    char tag = 1;
    struct iovec iov = {&tag, 1};
    struct mmsghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_hdr.msg_iov = &iov;
    msg.msg_hdr.msg_iovlen = 1;
    record = 1;
    sendmmsg(sv[0], &msg, 1, 0);
    record = 2; // LINE:late
    return NULL;
}

int main(void)
{
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0) {
        perror("socketpair");
        return 2;
    }
    pthread_t th;
    pthread_create(&th, NULL, sender, NULL);
    char buf[8];
    struct iovec iov = {buf, sizeof buf};
    struct mmsghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_hdr.msg_iov = &iov;
    msg.msg_hdr.msg_iovlen = 1;
    recvmmsg(sv[1], &msg, 1, 0, NULL);
    usleep(100 * 1000);
    long seen = record; // LINE:read
    pthread_join(th, NULL);
    printf("seen %ld\n", seen);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   sender()
// EXPECT:       {{FILE}}:{{LINE:late}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
