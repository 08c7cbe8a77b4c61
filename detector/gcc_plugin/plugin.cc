/*
 * plugin.cc: the gcc plugin `crace cc` loads into gcc, so that a gcc build
 * makes the detector calls a clang build would, and no more: two passes
 * over the output of gcc's own "tsan" pass (passes.h).
 *
 * The plugin is built for one gcc version (the headers it is compiled
 * against); `crace cc` passes it only to a gcc of that exact version
 * (cmd_cc.c).
 */
#include "passes.h"

#include "plugin-version.h"

int plugin_is_GPL_compatible;

namespace {

/* A GIMPLE pass that runs one of passes.h's functions. */
class crace_pass : public gimple_opt_pass {
  public:
    crace_pass(gcc::context *ctx, const pass_data &data, unsigned (*fn)(function *))
        : gimple_opt_pass(data, ctx), fn(fn)
    {
    }

    unsigned int execute(function *f) final override
    {
        return fn(f);
    }

  private:
    unsigned (*fn)(function *);
};

/* Runs fn, as the pass name (in -fdump-tree-all output), right after the
 * "tsan" pass (the optimising pipeline's: at -O0 gcc runs "tsan0"
 * instead, and no pass of the plugin runs). */
void after_tsan(const char *plugin, const char *name, unsigned (*fn)(function *))
{
    pass_data *data = new pass_data{
        GIMPLE_PASS,
        name,
        OPTGROUP_NONE,
        TV_NONE,
        PROP_ssa | PROP_cfg, /* properties required */
        0,                   /* provided */
        0,                   /* destroyed */
        0,                   /* todo at start */
        0,                   /* todo at finish */
    };
    struct register_pass_info info;
    info.pass = new crace_pass(g, *data, fn);
    info.reference_pass_name = "tsan";
    info.ref_pass_instance_number = 1;
    info.pos_op = PASS_POS_INSERT_AFTER;
    register_callback(plugin, PLUGIN_PASS_MANAGER_SETUP, NULL, &info);
}

} // namespace

int plugin_init(struct plugin_name_args *info, struct plugin_gcc_version *version)
{
    if (!plugin_default_version_check(version, &gcc_version)) {
        fprintf(stderr, "crace: %s was built for gcc %s, not this gcc (%s); rebuild crace\n",
                info->full_name, gcc_version.basever, version->basever);
        return 1;
    }
    /* Independent: either order gives the same code. */
    after_tsan(info->base_name, "crace_rbw", read_before_write);
    after_tsan(info->base_name, "crace_ser", skip_early_return);
    static struct plugin_info about = {"2", "crace: gcc's tsan instrumentation made as lean as clang's"};
    register_callback(info->base_name, PLUGIN_INFO, NULL, &about);
    return 0;
}
