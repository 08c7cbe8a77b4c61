/* Waits that another process ends: a forked child blocks on objects in
 * shared memory that its parent holds or will post (a process-shared
 * mutex, a process-shared condition variable, rwlock and barrier, a
 * semaphore made with sem_init(pshared=1), one made with sem_open). The
 * child's only goroutine waits, but not forever: its parent wakes it.
 * Not a deadlock (each child ran into "all goroutines are asleep" and
 * exited 2); the parent checks every child's status. */
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_rwlock_t rw;
    pthread_barrier_t bar;
    sem_t sem;
    int ready;
};

static int child_status(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void pause_ms(int ms)
{
    usleep(ms * 1000);
}

int main(void)
{
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&s->mu, &ma);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
    pthread_cond_init(&s->cv, &ca);
    pthread_rwlockattr_t ra;
    pthread_rwlockattr_init(&ra);
    pthread_rwlockattr_setpshared(&ra, PTHREAD_PROCESS_SHARED);
    pthread_rwlock_init(&s->rw, &ra);
    pthread_barrierattr_t ba;
    pthread_barrierattr_init(&ba);
    pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
    pthread_barrier_init(&s->bar, &ba, 2);
    sem_init(&s->sem, 1, 0);
    char name[64];
    snprintf(name, sizeof name, "/crace_e2e_psem_%d", (int)getpid());
    sem_t *named = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
    sem_unlink(name);
    int failed = 0;

    pthread_mutex_lock(&s->mu); /* the child waits for the mutex */
    pid_t pid = fork();
    if (pid == 0) {
        pthread_mutex_lock(&s->mu);
        pthread_mutex_unlock(&s->mu);
        _exit(0);
    }
    pause_ms(100);
    pthread_mutex_unlock(&s->mu);
    failed += child_status(pid) != 0;

    pid = fork(); /* ... for a signal */
    if (pid == 0) {
        pthread_mutex_lock(&s->mu);
        while (!s->ready)
            pthread_cond_wait(&s->cv, &s->mu);
        pthread_mutex_unlock(&s->mu);
        _exit(0);
    }
    pause_ms(100);
    pthread_mutex_lock(&s->mu);
    s->ready = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    failed += child_status(pid) != 0;

    pthread_rwlock_wrlock(&s->rw); /* ... for the rwlock */
    pid = fork();
    if (pid == 0) {
        pthread_rwlock_rdlock(&s->rw);
        pthread_rwlock_unlock(&s->rw);
        _exit(0);
    }
    pause_ms(100);
    pthread_rwlock_unlock(&s->rw);
    failed += child_status(pid) != 0;

    pid = fork(); /* ... for the barrier */
    if (pid == 0) {
        pthread_barrier_wait(&s->bar);
        _exit(0);
    }
    pause_ms(100);
    pthread_barrier_wait(&s->bar);
    failed += child_status(pid) != 0;

    sem_t *sems[2] = {&s->sem, named}; /* ... for the semaphores */
    for (int i = 0; i < 2; i++) {
        pid = fork();
        if (pid == 0) {
            sem_wait(sems[i]);
            _exit(0);
        }
        pause_ms(100);
        sem_post(sems[i]);
        failed += child_status(pid) != 0;
    }
    printf("children failed: %d\n", failed);
    return failed != 0;
}

// EXPECT-EXIT: 0
// EXPECT: children failed: 0
// EXPECT-NOT: WARNING
// EXPECT-NOT: fatal error
