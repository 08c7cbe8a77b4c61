/*
 * passes.h: the GIMPLE passes of the gcc plugin `crace cc` loads into gcc
 * (plugin.cc registers them, each right after gcc's own "tsan" pass).
 */
#ifndef CRACE_GCC_PLUGIN_PASSES_H
#define CRACE_GCC_PLUGIN_PASSES_H

#include "gcc-plugin.h"

#include "context.h"
#include "tree-pass.h"

/* read_before_write.cc: drops the read check of an access the same code
 * then writes. */
gimple_opt_pass *make_read_before_write(gcc::context *ctx);

/* skip_early_return.cc: keeps the function entry and exit calls off a
 * path from a function's start straight to its return. */
gimple_opt_pass *make_skip_early_return(gcc::context *ctx);

#endif
