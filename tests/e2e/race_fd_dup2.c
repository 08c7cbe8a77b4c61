/* main redirects a descriptor with dup2 (closing what it was) while a
 * goroutine closes the same number, with nothing ordering the two: the
 * goroutine may close the new file instead of the old one. dup2 uses the
 * number (a read: a goroutine using it meanwhile is no race, as
 * ThreadSanitizer decides), the close writes it. */
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

static int fd;

static void *closer(void *arg)
{
    (void)arg;
    usleep(100 * 1000);
    close(fd); // LINE:close
    return NULL;
}

int main(void)
{
    fd = open("/dev/null", O_RDONLY);
    int other = open("/dev/zero", O_RDONLY);
    if (fd < 0 || other < 0)
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, closer, NULL);
    if (dup2(other, fd) < 0) // LINE:dup2
        return 1;
    pthread_join(t, NULL);
    close(other);
    return 0;
}

// EXPECT-EXIT: 66
// EXPECT: WARNING: DATA RACE
// EXPECT: Write at {{ADDR}} by goroutine 2:
// EXPECT:   closer()
// EXPECT:       {{FILE}}:{{LINE:close}} {{OFF}}
// EXPECT: Previous read at {{ADDR}} by main goroutine:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:dup2}} {{OFF}}
// EXPECT: Location is file descriptor {{NUM}} created by main goroutine at:
// EXPECT:   main()
// EXPECT:       {{FILE}}:{{LINE:dup2}} {{OFF}}
// EXPECT-COUNT: 1 WARNING: DATA RACE
