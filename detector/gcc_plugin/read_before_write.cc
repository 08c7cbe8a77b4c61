/*
 * read_before_write.cc: the plugin's pass (plugin.cc) that drops the read
 * check of an access that the same code then writes.
 *
 * gcc's -fsanitize=thread instruments `p->n++` as __tsan_read8(&p->n)
 * followed by __tsan_write8(&p->n); clang's instrumentation emits the write
 * alone, since a write check finds every race the read check would (a write
 * conflicts with every access a read conflicts with, and more). The read
 * costs a call into the detector: a third of the calls of a loop that
 * reads and updates an array, which made gcc builds 1.4x slower than clang
 * builds under crace.
 *
 * The pass runs right after gcc's own "tsan" pass, on its output. In each
 * basic block, a __tsan_readN(a) is dropped when a __tsan_writeN(a) of the
 * same size N and the same address value a follows it with no call or asm
 * in between (a __tsan_read_range by the __tsan_write_range of the same
 * address and size): nothing between them can synchronise with another thread, so
 * the write is checked with exactly the happens-before the read had. What
 * a user sees: a race on such a statement is reported as its write ("Write
 * at"), with the same line, as clang reports it. Any other call (another
 * function, an atomic, the program's own) ends the window, as in clang's
 * pass.
 */
#include "passes.h"

#include "context.h"
#include "tree.h"
#include "tree-pass.h"
#include "basic-block.h"
#include "function.h"
#include "gimple.h"
#include "gimple-iterator.h"
#include "ssa.h"
#include "tree-ssa.h"

namespace {

enum { RANGE = ~0u };

/* The size of the access a __tsan_read or __tsan_write builtin checks
 * (RANGE for __tsan_read_range and __tsan_write_range), 0 for any other
 * statement; *write says which of the two. */
unsigned access_size(const gimple *stmt, bool *write)
{
    /* Not gimple_call_builtin_p: the tsan pass passes a range's size as
     * an int where the builtin's declaration says size_t, which that
     * check rejects. */
    tree fn = is_gimple_call(stmt) ? gimple_call_fndecl(stmt) : NULL_TREE;
    if (!fn || !fndecl_built_in_p(fn, BUILT_IN_NORMAL))
        return 0;
    switch (DECL_FUNCTION_CODE(fn)) {
    case BUILT_IN_TSAN_READ1: *write = false; return 1;
    case BUILT_IN_TSAN_READ2: *write = false; return 2;
    case BUILT_IN_TSAN_READ4: *write = false; return 4;
    case BUILT_IN_TSAN_READ8: *write = false; return 8;
    case BUILT_IN_TSAN_READ16: *write = false; return 16;
    case BUILT_IN_TSAN_WRITE1: *write = true; return 1;
    case BUILT_IN_TSAN_WRITE2: *write = true; return 2;
    case BUILT_IN_TSAN_WRITE4: *write = true; return 4;
    case BUILT_IN_TSAN_WRITE8: *write = true; return 8;
    case BUILT_IN_TSAN_WRITE16: *write = true; return 16;
    /* A range (a packed struct's field, a struct copied whole): its size
     * is the call's second argument, compared by same_range. */
    case BUILT_IN_TSAN_READ_RANGE: *write = false; return RANGE;
    case BUILT_IN_TSAN_WRITE_RANGE: *write = true; return RANGE;
    default: return 0;
    }
}

/* Do a and b, the address arguments of two checks of one block, hold the
 * same address? The tsan pass computes each check's address into an SSA
 * name of its own (`_10 = &n->visits` for the read, `_11 = &n->visits`
 * for the write), so names defined by the same computation count as one,
 * when that computation reads no memory (no virtual use): its operands
 * are SSA names or constants, which cannot change in between. */
bool same_address(tree a, tree b)
{
    if (operand_equal_p(a, b, 0))
        return true;
    if (TREE_CODE(a) != SSA_NAME || TREE_CODE(b) != SSA_NAME)
        return false;
    gimple *da = SSA_NAME_DEF_STMT(a), *db = SSA_NAME_DEF_STMT(b);
    if (!is_gimple_assign(da) || !is_gimple_assign(db) || gimple_vuse(da) || gimple_vuse(db) ||
        gimple_assign_rhs_code(da) != gimple_assign_rhs_code(db) ||
        gimple_num_ops(da) != gimple_num_ops(db))
        return false;
    for (unsigned i = 1; i < gimple_num_ops(da); i++)
        if (!operand_equal_p(gimple_op(da, i), gimple_op(db, i), 0))
            return false;
    return true;
}

/* Read checks seen since the last call or asm of the block, the oldest
 * first; a block with more keeps the latest (the window is a heuristic
 * bound, never a correctness one: a read kept is only a read checked). */
enum { PENDING_MAX = 32 };

struct pending_read {
    gimple *stmt;
    unsigned size;
};

/* Drops the read checks of block bb that a write check of the same
 * address and size follows before any call; returns how many. */
unsigned drop_reads(basic_block bb)
{
    pending_read pending[PENDING_MAX];
    unsigned n = 0, dropped = 0;
    for (gimple_stmt_iterator gsi = gsi_start_bb(bb); !gsi_end_p(gsi); gsi_next(&gsi)) {
        gimple *stmt = gsi_stmt(gsi);
        bool write = false;
        unsigned size = access_size(stmt, &write);
        if (size == 0) {
            if (is_gimple_call(stmt) || gimple_code(stmt) == GIMPLE_ASM)
                n = 0; /* may synchronise: the window closes */
            continue;
        }
        tree addr = gimple_call_arg(stmt, 0);
        if (!write) {
            if (n == PENDING_MAX) {
                memmove(pending, pending + 1, sizeof(pending[0]) * (PENDING_MAX - 1));
                n--;
            }
            pending[n++] = {stmt, size};
            continue;
        }
        for (unsigned i = 0; i < n; i++) {
            if (pending[i].size != size || !same_address(gimple_call_arg(pending[i].stmt, 0), addr) ||
                (size == RANGE && !operand_equal_p(gimple_call_arg(pending[i].stmt, 1), gimple_call_arg(stmt, 1), 0)))
                continue;
            gimple_stmt_iterator at = gsi_for_stmt(pending[i].stmt);
            unlink_stmt_vdef(pending[i].stmt);
            gsi_remove(&at, true);
            release_defs(pending[i].stmt);
            pending[i--] = pending[--n];
            dropped++;
        }
    }
    return dropped;
}

} // namespace

unsigned read_before_write(function *fn)
{
    basic_block bb;
    FOR_EACH_BB_FN (bb, fn)
        drop_reads(bb);
    return 0;
}
