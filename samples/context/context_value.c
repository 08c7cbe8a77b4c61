/*
 * context, correct: request-scoped values carried by a context.
 *
 * The handler attaches the request's id to a context
 * (context_with_value, Go's context.WithValue) and passes that context to
 * the goroutines serving the request; each reads the id with
 * context_value, without globals. Keys are compared by address, so a
 * private static object is a key nobody else can collide with (Go: an
 * unexported key type). The value is written before context_with_value
 * and go(), which happen before the goroutines read it: no race. The
 * value context is a child of a cancellable one, so cancelling the
 * request would still reach every goroutine. crace is silent.
 */
#include <stdio.h>

#include <gochan.h>

static const char request_id_key; /* its address is the key */

struct request {
    int id;
    const char *path;
};

struct task {
    context_t *ctx;
    const char *step;
    waitgroup_t *wg;
    char line[80]; /* written by the goroutine, read by the handler after the wait */
};

static void serve_step(void *arg)
{
    struct task *t = arg;
    const struct request *req = context_value(t->ctx, &request_id_key);
    snprintf(t->line, sizeof t->line, "request %d %s: %s", req->id, req->path, t->step);
    waitgroup_done(t->wg);
}

static void handle(context_t *parent, struct request *req)
{
    context_t *ctx = context_with_value(parent, &request_id_key, req);
    static const char *const steps[] = {"auth", "query", "render"};
    struct task tasks[3];
    waitgroup_t wg = WAITGROUP_INIT;
    for (int i = 0; i < 3; i++) {
        tasks[i] = (struct task){ctx, steps[i], &wg, ""};
        waitgroup_add(&wg, 1);
        go(serve_step, &tasks[i]);
    }
    waitgroup_wait(&wg);
    for (int i = 0; i < 3; i++)
        printf("%s\n", tasks[i].line);
    context_release(ctx);
}

int main(void)
{
    context_t *root = context_with_cancel(context_background());
    struct request a = {7, "/home"}, b = {8, "/cart"};
    handle(root, &a);
    handle(root, &b);
    printf("missing key: %s\n", context_value(root, &request_id_key) == NULL ? "NULL" : "?");
    context_release(root);
    return 0;
}

// EXPECT-EXIT: 0
// EXPECT: request 7 /home: auth
// EXPECT: request 7 /home: query
// EXPECT: request 7 /home: render
// EXPECT: request 8 /cart: auth
// EXPECT: request 8 /cart: query
// EXPECT: request 8 /cart: render
// EXPECT: missing key: NULL
// EXPECT-NOT: WARNING
