/* One goroutine writes to a pipe while another closes it, with nothing
 * ordering the two: the close may land before the write, which then goes
 * to whatever file got the number meanwhile. A use of a descriptor racing
 * with its close is a data race on the descriptor, as ThreadSanitizer
 * reports it; the location names the descriptor and where it was made. */
#include <pthread.h>
#include <unistd.h>

static int fds[2];

static void *writer(void *arg)
{
    (void)arg;
    (void)!write(fds[1], "a", 1); // LINE:use
    return NULL;
}

static void *closer(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    close(fds[1]); // LINE:close
    return NULL;
}

int main(void)
{
    if (pipe(fds) != 0) // LINE:made
        return 1;
    pthread_t w, c;
    pthread_create(&w, NULL, writer, NULL);
    pthread_create(&c, NULL, closer, NULL);
    pthread_join(w, NULL);
    pthread_join(c, NULL);
    close(fds[0]);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 3:
// EXPECT:   closer()
// EXPECT:       {{FILE}}:{{LINE:close}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by goroutine 2:
// EXPECT:   writer()
// EXPECT:       {{FILE}}:{{LINE:use}} {{OFF}}
// EXPECT: Location is file descriptor {{NUM}} created by main goroutine at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:made}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
