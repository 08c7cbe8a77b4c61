/* POSIX message queues as a hand-off: a producer fills a record, then
 * sends a message (mq_send, then mq_timedsend); the consumer, which
 * opened the same queue by name through a descriptor of its own,
 * receives it (mq_receive, then mq_timedreceive) and reads the record.
 * A message sent happens before its receipt: no race (ThreadSanitizer
 * reports one on each record). */
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static char name[64];
static long record[2][8];

static void *producer(void *arg)
{
    mqd_t q = *(mqd_t *)arg;
    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < 8; i++)
            record[r][i] = (r + 1) * i;
        char msg = (char)r;
        if (r == 0) {
            mq_send(q, &msg, 1, 1);
        } else {
            struct timespec at;
            clock_gettime(CLOCK_REALTIME, &at);
            at.tv_sec += 5;
            mq_timedsend(q, &msg, 1, 1, &at);
        }
    }
    return NULL;
}

int main(void)
{
    snprintf(name, sizeof name, "/crace_e2e_mq_%d", (int)getpid());
    struct mq_attr attr = {0, 4, 16, 0};
    mqd_t out = mq_open(name, O_CREAT | O_EXCL | O_WRONLY, 0600, &attr);
    mqd_t in = mq_open(name, O_RDONLY);
    if (out == (mqd_t)-1 || in == (mqd_t)-1) {
        perror("mq_open");
        return 2;
    }
    mq_unlink(name);
    pthread_t th;
    pthread_create(&th, NULL, producer, &out);
    long sum = 0;
    for (int r = 0; r < 2; r++) {
        char buf[16];
        unsigned prio;
        if (r == 0) {
            mq_receive(in, buf, sizeof buf, &prio);
        } else {
            struct timespec at;
            clock_gettime(CLOCK_REALTIME, &at);
            at.tv_sec += 5;
            mq_timedreceive(in, buf, sizeof buf, &prio, &at);
        }
        for (int i = 0; i < 8; i++)
            sum += record[(int)buf[0]][i];
    }
    pthread_join(th, NULL);
    mq_close(in);
    mq_close(out);
    printf("sum %ld\n", sum);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: sum 84
// EXPECT-NOT: WARNING
