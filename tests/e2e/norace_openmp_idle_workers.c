/* After a parallel region, LLVM's OpenMP runtime keeps its worker threads
 * for the next one: each waits KMP_BLOCKTIME for work (0 here: at once),
 * then parks on a condition variable inside the runtime, where the
 * program's exit finds it. Such a pool worker is the runtime's, not a
 * goroutine the program leaked: no GOROUTINE LEAK report. (The program's
 * own threads blocked forever at exit still are: leak_cond_wait_forever.c.) */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    int a[4] = {0};
#pragma omp parallel for num_threads(4)
    for (int i = 0; i < 4; i++)
        a[i] = i * i;
    usleep(200 * 1000); /* the workers park meanwhile */
    printf("%d %d %d %d\n", a[0], a[1], a[2], a[3]);
    return 0;
}

// CFLAGS: -fopenmp
// ENV: KMP_BLOCKTIME=0
// EXPECT-EXIT: 0
// EXPECT: 0 1 4 9
// EXPECT-NOT: WARNING
// EXPECT-NOT: crace: warning
