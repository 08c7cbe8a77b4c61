/*
 * passes.h: the GIMPLE passes of the gcc plugin `crace cc` loads into gcc
 * (plugin.cc registers them, each right after gcc's own "tsan" pass).
 */
#ifndef CRACE_GCC_PLUGIN_PASSES_H
#define CRACE_GCC_PLUGIN_PASSES_H

#include "gcc-plugin.h"

#include "context.h"
#include "function.h"
#include "tree-pass.h"

/* Each runs on one function (in SSA form, with its CFG) and returns the
 * TODO flags its changes need. */

/* read_before_write.cc: drops the read check of an access the same code
 * then writes. */
unsigned read_before_write(function *fn);

/* skip_early_return.cc: keeps the function entry and exit calls off a
 * path from a function's start straight to its return. */
unsigned skip_early_return(function *fn);

#endif
