/* One thread sums a global buffer while another memcpy's into it. Built
 * with -D_FORTIFY_SOURCE=2, memcpy is an inline wrapper in glibc's
 * <bits/string_fortified.h>, so the innermost frame of the write lies
 * outside the project. */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

char buf[64];

static void *reader(void *arg)
{
    size_t n = (size_t)arg;
    int sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += buf[i];
    return (void *)(long)sum;
}

static void *writer(void *arg)
{
    memcpy(buf, "0123456789abcdefghijklmnopqrstuv", (size_t)arg);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, reader, (void *)16);
    usleep(100 * 1000);
    pthread_create(&b, NULL, writer, (void *)32);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
