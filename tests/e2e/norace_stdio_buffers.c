/* The race-free twin of race_sprintf_buffer.c, and the rest of stdio's
 * buffers: a worker formats into a buffer (sprintf, snprintf, %n), parses
 * fields (sscanf: integers, a double, a short, a string, %n, %ms), writes
 * it to a file (fwrite, fputs) and reads a line back (fgets, getline);
 * main prints what it made (printf's %s, puts) only after joining it. The
 * formatted strings and lines are checked, so a check that broke stdio
 * would show too. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char message[64], echo[64], tail[32], word[16], *grabbed;
static char *line;
static size_t line_cap;
static int counted, parsed_n, consumed;
static double parsed_x;
static short parsed_h;

static void *worker(void *arg)
{
    const char *path = arg;
    int n = sprintf(message, "%s #%d%n", "result", 7, &counted);
    snprintf(tail, sizeof(tail), "%.*s|%5.1f|%lu|%c", 3, "abcdef", 2.5, (unsigned long)n, 'z');
    sscanf("12 3.5 -7 alpha beta gamma", "%d %lf %hd %15s %*s%n %ms", &parsed_n, &parsed_x, &parsed_h, word, &consumed,
           &grabbed);
    FILE *f = fopen(path, "w+");
    if (!f)
        return NULL;
    fwrite(message, 1, strlen(message), f);
    fputs("\nsecond line\n", f);
    rewind(f);
    fgets(echo, sizeof(echo), f);
    getline(&line, &line_cap, f);
    fclose(f);
    remove(path);
    return NULL;
}

int main(void)
{
    char path[] = "/tmp/crace-stdio-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    pthread_t t;
    pthread_create(&t, NULL, worker, path);
    pthread_join(t, NULL);
    printf("message=%s counted=%d\n", message, counted);
    printf("tail=%s\n", tail);
    printf("parsed=%d %.1f %d %s %d %s\n", parsed_n, parsed_x, parsed_h, word, consumed, grabbed ? grabbed : "-");
    free(grabbed);
    fputs(echo, stdout);
    puts(line ? line : "(none)");
    free(line);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: message=result #7 counted=9
// EXPECT: tail=abc|  2.5|9|z
// EXPECT: parsed=12 3.5 -7 alpha 20 gamma
// EXPECT: result #7
// EXPECT: second line
// EXPECT-NOT: WARNING
