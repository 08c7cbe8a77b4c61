/*
 * skip_early_return.cc: the plugin's pass (plugin.cc) that keeps the
 * function entry and exit calls off a path from a function's start
 * straight to its return.
 *
 * gcc's -fsanitize=thread calls __tsan_func_entry at the start of every
 * function it instruments and __tsan_func_exit before its return, so
 * `if (!n) return h;` costs an entry and an exit though the path checks
 * no access and calls nothing: a recursive walk of a tree pays them for
 * every null child, a third more calls than clang's build of the same
 * code (clang turns the walk's tail call into a loop; gcc cannot, the
 * exit call sits after it). Such a path has nothing a report could show,
 * so its frame is not needed: the pass moves the entry call from the
 * first block to the start of the other branch, and gives the early path
 * a return of its own without the exit call.
 *
 * Only this shape is changed, and anything else leaves the function as
 * it is: the first block (the only successor of the function's entry,
 * with no other predecessor) holds the entry call, calls nothing else
 * but __builtin_return_address (whose result only the entry call uses),
 * and ends in a two-way branch; one way is an early path (find_early_path:
 * blocks only it enters, empty or holding the exit call, then the
 * return); the other way starts a block with no other predecessor and no
 * PHI. Every path but the early one then runs through that block, so
 * every exit call left still has its entry.
 */
#include "passes.h"

#include "tree.h"
#include "basic-block.h"
#include "function.h"
#include "gimple.h"
#include "gimple-iterator.h"
#include "ssa.h"
#include "tree-ssa.h"
#include "cfghooks.h"
#include "cfganal.h"
#include "cfgloop.h"
#include "internal-fn.h"
#include "tree-cfg.h"
#include "tree-into-ssa.h"

namespace {

bool calls_builtin(const gimple *stmt, built_in_function code)
{
    if (!is_gimple_call(stmt))
        return false;
    tree fn = gimple_call_fndecl(stmt);
    return fn && fndecl_built_in_p(fn, code);
}

/* The exit call: gcc's tsan pass leaves the internal function
 * .TSAN_FUNC_EXIT, which sanopt expands later into the builtin. */
bool is_func_exit(const gimple *stmt)
{
    return calls_builtin(stmt, BUILT_IN_TSAN_FUNC_EXIT) ||
           (is_gimple_call(stmt) && gimple_call_internal_p(stmt, IFN_TSAN_FUNC_EXIT));
}

/* The next statement at or after gsi that is not a debug statement or a
 * label, or NULL. */
gimple *next_real(gimple_stmt_iterator *gsi)
{
    while (!gsi_end_p(*gsi) &&
           (is_gimple_debug(gsi_stmt(*gsi)) || gimple_code(gsi_stmt(*gsi)) == GIMPLE_LABEL))
        gsi_next(gsi);
    return gsi_end_p(*gsi) ? NULL : gsi_stmt(*gsi);
}

/* What a block on the way to a return holds, debug statements and
 * labels aside. */
enum block_kind { EMPTY, EXIT_ONLY, EXIT_RETURN, RETURN_ONLY, OTHER };

block_kind classify(basic_block bb, gimple **exit, greturn **ret)
{
    gimple_stmt_iterator gsi = gsi_start_bb(bb);
    gimple *first = next_real(&gsi);
    if (!first)
        return EMPTY;
    gsi_next(&gsi);
    gimple *second = next_real(&gsi);
    gimple *third = NULL;
    if (second) {
        gsi_next(&gsi);
        third = next_real(&gsi);
    }
    if (third)
        return OTHER;
    if (gimple_code(first) == GIMPLE_RETURN && !second) {
        *ret = as_a<greturn *>(first);
        return RETURN_ONLY;
    }
    if (!is_func_exit(first))
        return OTHER;
    *exit = first;
    if (!second)
        return EXIT_ONLY;
    if (gimple_code(second) != GIMPLE_RETURN)
        return OTHER;
    *ret = as_a<greturn *>(second);
    return EXIT_RETURN;
}

/* An early path: the first block's edge e, then blocks that only it
 * enters, each empty or holding only the exit call, then a return. gcc
 * leaves the exit call either in the return's block (shared with the
 * other paths: the early path gets a return of its own) or on the path
 * (it is then removed). */
struct early_path {
    edge into_return;  /* the edge into the return block */
    greturn *ret;      /* its return */
    gimple *exit_only; /* the exit call on the path, or NULL: the return block's */
};

bool find_early_path(edge e, early_path *path)
{
    path->exit_only = NULL;
    for (int hops = 0; hops < 8; hops++) {
        basic_block bb = e->dest;
        if (bb == EXIT_BLOCK_PTR_FOR_FN(cfun))
            return false;
        gimple *exit = NULL;
        greturn *ret = NULL;
        switch (classify(bb, &exit, &ret)) {
        case EXIT_RETURN:
            path->into_return = e;
            path->ret = ret;
            return !path->exit_only;
        case RETURN_ONLY:
            path->into_return = e;
            path->ret = ret;
            return path->exit_only != NULL;
        case EXIT_ONLY:
            if (path->exit_only)
                return false;
            path->exit_only = exit;
            /* fall through */
        case EMPTY:
            if (!single_pred_p(bb) || !single_succ_p(bb) || !gimple_seq_empty_p(phi_nodes(bb)))
                return false;
            e = single_succ_edge(bb);
            break;
        case OTHER:
            return false;
        }
    }
    return false;
}

/* The entry call of the first block bb, and the __builtin_return_address
 * call feeding it (or NULL), when bb calls nothing else; false if not. */
bool find_entry(basic_block bb, gimple **entry, gimple **raddr)
{
    *entry = *raddr = NULL;
    for (gimple_stmt_iterator gsi = gsi_start_bb(bb); !gsi_end_p(gsi); gsi_next(&gsi)) {
        gimple *stmt = gsi_stmt(gsi);
        if (gimple_code(stmt) == GIMPLE_ASM)
            return false;
        if (!is_gimple_call(stmt))
            continue;
        if (calls_builtin(stmt, BUILT_IN_TSAN_FUNC_ENTRY) && !*entry)
            *entry = stmt;
        else if (calls_builtin(stmt, BUILT_IN_RETURN_ADDRESS) && !*raddr && !*entry)
            *raddr = stmt;
        else
            return false;
    }
    if (!*entry)
        return false;
    if (*raddr) {
        tree pc = gimple_call_lhs(*raddr);
        use_operand_p use;
        gimple *user;
        if (!pc || TREE_CODE(pc) != SSA_NAME || gimple_call_arg(*entry, 0) != pc ||
            !single_imm_use(pc, &use, &user) || user != *entry)
            return false;
    }
    return true;
}

/* The early path's own return, on a new block between edge e and the
 * return block that ret ends: the return's value as it is on e. */
void return_on_edge(function *fn, edge e, greturn *ret)
{
    basic_block own = split_edge(e);
    edge into = single_succ_edge(own);
    tree value = gimple_return_retval(ret);
    if (value && TREE_CODE(value) == SSA_NAME && gimple_code(SSA_NAME_DEF_STMT(value)) == GIMPLE_PHI &&
        gimple_bb(SSA_NAME_DEF_STMT(value)) == into->dest)
        value = PHI_ARG_DEF_FROM_EDGE(as_a<gphi *>(SSA_NAME_DEF_STMT(value)), into);
    greturn *early = gimple_build_return(value);
    gimple_set_location(early, gimple_location(ret));
    gimple_stmt_iterator gsi = gsi_last_bb(own);
    gsi_insert_after(&gsi, early, GSI_NEW_STMT);
    remove_edge(into);
    make_edge(own, EXIT_BLOCK_PTR_FOR_FN(fn), 0);
}

} // namespace

unsigned skip_early_return(function *fn)
{
    basic_block entry_bb = ENTRY_BLOCK_PTR_FOR_FN(fn);
    if (!single_succ_p(entry_bb))
        return 0;
    basic_block first = single_succ(entry_bb);
    gimple *entry, *raddr;
    gimple *last = last_stmt(first);
    if (!single_pred_p(first) || EDGE_COUNT(first->succs) != 2 || !last || gimple_code(last) != GIMPLE_COND ||
        !find_entry(first, &entry, &raddr))
        return 0;
    early_path path[2];
    bool early[2];
    for (int i = 0; i < 2; i++)
        early[i] = find_early_path(EDGE_SUCC(first, i), &path[i]);
    if (early[0] == early[1])
        return 0; /* neither way is an early return, or both are */
    int e = early[0] ? 0 : 1;
    basic_block rest = EDGE_SUCC(first, 1 - e)->dest;
    if (rest == EXIT_BLOCK_PTR_FOR_FN(fn) || !single_pred_p(rest) || !gimple_seq_empty_p(phi_nodes(rest)))
        return 0;

    gimple_stmt_iterator to = gsi_after_labels(rest);
    if (raddr) {
        gimple_stmt_iterator from = gsi_for_stmt(raddr);
        gsi_move_before(&from, &to);
    }
    gimple_stmt_iterator from = gsi_for_stmt(entry);
    gsi_move_before(&from, &to);
    if (path[e].exit_only) {
        gimple_stmt_iterator at = gsi_for_stmt(path[e].exit_only);
        unlink_stmt_vdef(path[e].exit_only);
        gsi_remove(&at, true);
        release_defs(path[e].exit_only);
    } else {
        return_on_edge(fn, path[e].into_return, path[e].ret);
    }

    free_dominance_info(CDI_DOMINATORS);
    free_dominance_info(CDI_POST_DOMINATORS);
    if (current_loops)
        loops_state_set(LOOPS_NEED_FIXUP);
    mark_virtual_operands_for_renaming(fn);
    return TODO_update_ssa_only_virtuals | TODO_cleanup_cfg;
}
