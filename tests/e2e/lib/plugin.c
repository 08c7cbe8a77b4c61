/* A plugin for the dlopen tests: built into libplugin.so with `crace cc
 * -shared` by the e2e runner (SHLIB directive). A plain store, so that
 * gcc and clang instrument it alike (one write). */
int plugin_counter;

void plugin_set(int v)
{
    plugin_counter = v;
}
