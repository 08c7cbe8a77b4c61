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

/* Runs pass right after the "tsan" pass (the optimising pipeline's: at
 * -O0 gcc runs "tsan0" instead, and neither pass runs). */
void after_tsan(const char *plugin, opt_pass *pass)
{
    struct register_pass_info info;
    info.pass = pass;
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
    after_tsan(info->base_name, make_read_before_write(g));
    after_tsan(info->base_name, make_skip_early_return(g));
    static struct plugin_info about = {"2", "crace: gcc's tsan instrumentation made as lean as clang's"};
    register_callback(info->base_name, PLUGIN_INFO, NULL, &about);
    return 0;
}
