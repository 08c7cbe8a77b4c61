/* stackfmt.c: symbolized stacks as text (stackfmt.h). */
#include "stackfmt.h"

#include <stdbool.h>
#include <string.h>

#include "symbolize.h"

struct frame_ctx {
    struct sbuf *b;
    uintptr_t pc;
    enum stack_style style;
};

/*
 * One frame: the function, then where. With no line information, the
 * second line names the module and the pc's offset in it instead (what
 * addr2line -e MODULE takes), and with not even a module, the absolute pc.
 */
static int put_frame(const struct gc_frame *f, void *arg)
{
    struct frame_ctx *ctx = arg;
    if (gc_frame_is_hidden(f))
        return 0;
    const char *fn_indent = ctx->style == STACK_STYLE_REPORT ? "  " : "";
    const char *at_indent = ctx->style == STACK_STYLE_REPORT ? "      " : "\t";
    sb_printf(ctx->b, "%s%s()\n", fn_indent, f->function ? f->function : "??");
    if (f->file)
        sb_printf(ctx->b, "%s%s:%d +0x%lx\n", at_indent, strip_path(f->file), f->line,
                  (unsigned long)f->func_offset);
    else if (f->module)
        sb_printf(ctx->b, "%s%s+0x%lx\n", at_indent, strip_path(f->module),
                  (unsigned long)(ctx->pc - f->module_base));
    else
        sb_printf(ctx->b, "%s??:0 +0x%lx\n", at_indent, (unsigned long)ctx->pc);
    return 0;
}

void stackfmt_pcs(struct sbuf *b, const uintptr_t *pcs, size_t n, enum stack_style style)
{
    for (size_t i = 0; i < n; i++) {
        if (!pcs[i])
            continue;
        struct frame_ctx ctx = {b, pcs[i], style};
        gc_symbolize(pcs[i], true, put_frame, &ctx);
    }
}

void stackfmt_depot(struct sbuf *b, stack_id id, enum stack_style style)
{
    size_t n = 0;
    const uintptr_t *pcs = id ? depot_get(id, &n) : NULL;
    if (pcs)
        stackfmt_pcs(b, pcs, n, style);
}
