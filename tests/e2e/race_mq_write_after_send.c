/* The twin of norace_mq_handoff: the producer writes the record again
 * after its mq_send, which the consumer's receipt does not follow. */
#include <fcntl.h>
#include <mqueue.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static long record;

static void *producer(void *arg)
{
    mqd_t q = *(mqd_t *)arg;
    record = 1;
    char msg = 1;
    mq_send(q, &msg, 1, 0);
    record = 2; // LINE:late
    return NULL;
}

int main(void)
{
    char name[64];
    snprintf(name, sizeof name, "/crace_e2e_mqr_%d", (int)getpid());
    struct mq_attr attr = {0, 4, 16, 0};
    mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
    if (q == (mqd_t)-1) {
        perror("mq_open");
        return 2;
    }
    mq_unlink(name);
    pthread_t th;
    pthread_create(&th, NULL, producer, &q);
    char buf[16];
    mq_receive(q, buf, sizeof buf, NULL);
    usleep(100 * 1000);
    long seen = record; // LINE:read
    pthread_join(th, NULL);
    mq_close(q);
    printf("seen %ld\n", seen);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: ==================
// EXPECT: WARNING: DATA RACE
// EXPECT: Read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:read}} {{OFF}}
// EXPECT: Previous write at {{ADDR}} by goroutine 2:
// EXPECT:   producer()
// EXPECT:       {{FILE}}:{{LINE:late}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
