/* Two transfers lock two accounts in opposite orders and meet in the
 * middle: a deadlock, reported as soon as the wait cycle closes. */
#include <pthread.h>
#include <unistd.h>

struct account {
    pthread_mutex_t mu;
    long balance;
};

static struct account alice = {PTHREAD_MUTEX_INITIALIZER, 100};
static struct account bob = {PTHREAD_MUTEX_INITIALIZER, 100};

static void transfer(struct account *from, struct account *to, long amount)
{
    pthread_mutex_lock(&from->mu);
    usleep(100 * 1000);
    pthread_mutex_lock(&to->mu);
    from->balance -= amount;
    to->balance += amount;
    pthread_mutex_unlock(&to->mu);
    pthread_mutex_unlock(&from->mu);
}

static void *pay_bob(void *arg)
{
    (void)arg;
    transfer(&alice, &bob, 10);
    return NULL;
}

static void *pay_alice(void *arg)
{
    (void)arg;
    transfer(&bob, &alice, 20);
    return NULL;
}

int main(void)
{
    pthread_t t1, t2;
    pthread_create(&t1, NULL, pay_bob, NULL);
    pthread_create(&t2, NULL, pay_alice, NULL);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}
