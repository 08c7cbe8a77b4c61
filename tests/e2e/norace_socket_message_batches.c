/* sendmmsg and recvmmsg hand data off like send and recv: each of two
 * records is filled, then both are announced in one batch of two
 * datagrams on a socketpair; the receiver takes the batch with one
 * recvmmsg and reads the records. No race. The batch's buffers are
 * plain memory the calls read and write: the receiver's own. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static int sv[2];
static long record[2][4];

static void *sender(void *arg)
{
    (void)arg;
    char tags[2] = {0, 1};
    struct iovec iov[2];
    struct mmsghdr msgs[2];
    memset(msgs, 0, sizeof msgs);
    for (int m = 0; m < 2; m++) {
        for (int i = 0; i < 4; i++)
            record[m][i] = 10 * m + i;
        iov[m].iov_base = &tags[m];
        iov[m].iov_len = 1;
        msgs[m].msg_hdr.msg_iov = &iov[m];
        msgs[m].msg_hdr.msg_iovlen = 1;
    }
    return (void *)(long)sendmmsg(sv[0], msgs, 2, 0);
}

int main(void)
{
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0) {
        perror("socketpair");
        return 2;
    }
    pthread_t th;
    pthread_create(&th, NULL, sender, NULL);
    char bufs[2][8];
    struct iovec iov[2];
    struct mmsghdr msgs[2];
    memset(msgs, 0, sizeof msgs);
    for (int m = 0; m < 2; m++) {
        iov[m].iov_base = bufs[m];
        iov[m].iov_len = sizeof bufs[m];
        msgs[m].msg_hdr.msg_iov = &iov[m];
        msgs[m].msg_hdr.msg_iovlen = 1;
    }
    long sum = 0;
    int got = 0;
    while (got < 2) {
        int r = recvmmsg(sv[1], msgs + got, 2 - got, 0, NULL);
        for (int k = 0; k < r; k++)
            for (int i = 0; i < 4; i++)
                sum += record[(int)bufs[got + k][0]][i];
        got += r > 0 ? r : 0;
    }
    void *sent;
    pthread_join(th, &sent);
    printf("sent %ld, sum %ld\n", (long)sent, sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sent 2, sum 52
// EXPECT-NOT: WARNING
