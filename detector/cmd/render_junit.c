/*
 * render_junit.c: JUnit XML, the test-report format GitLab
 * (artifacts:reports:junit), Jenkins (junit step) and most CI systems read.
 *
 *   <testsuites name="crace" tests="N" failures="N" errors="0">
 *     <testsuite name="EXECUTABLE" tests="n" failures="n" errors="0" skipped="0">
 *       <testcase classname="KIND" name="MESSAGE" file="a.c">
 *         <failure message="MESSAGE" type="KIND">TEXT</failure>
 *       </testcase>
 *
 * A testsuite per executable (the first process that reported the
 * finding), a failing testcase per merged finding, whose body is the text
 * the detector printed. A run without findings is one empty testsuite
 * "crace": a valid document with zero tests.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "render.h"

/* How many pids a testcase lists before "...". */
enum { JUNIT_MAX_PIDS = 20 };

static const char *executable_of(const struct finding *f)
{
    return f->procs[0].executable;
}

static void write_testcase(FILE *out, const struct finding *f)
{
    fputs("    <testcase classname=\"", out);
    write_xml_attr(out, f->kind_name);
    fputs("\" name=\"", out);
    write_xml_attr(out, f->message);
    fputs("\" time=\"0\"", out);
    const struct json *primary = record_primary_frame(f->record);
    if (primary) {
        char *file = path_display(frame_file(primary));
        fputs(" file=\"", out);
        write_xml_attr(out, file);
        fprintf(out, "\" line=\"%lld\"", frame_line(primary));
        free(file);
    }
    fputs(">\n      <failure message=\"", out);
    write_xml_attr(out, f->message);
    fputs("\" type=\"", out);
    write_xml_attr(out, f->kind_name);
    fputs("\">", out);
    write_xml_text(out, f->text);
    if (f->occurrences > 1 || f->n_procs > 1) {
        fprintf(out, "Reported %llu time(s) by %zu process(es):", f->occurrences, f->n_procs);
        for (size_t i = 0; i < f->n_procs && i < JUNIT_MAX_PIDS; i++) {
            fprintf(out, "%s pid %lld (", i ? "," : "", f->procs[i].pid);
            write_xml_text(out, f->procs[i].executable);
            putc(')', out);
        }
        fputs(f->n_procs > JUNIT_MAX_PIDS ? ", ...\n" : "\n", out);
    }
    fputs("</failure>\n    </testcase>\n", out);
}

void render_junit(FILE *out, const struct findings *fs)
{
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuites name=\"crace\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
            fs->n, fs->n);
    if (fs->n == 0)
        fputs("  <testsuite name=\"crace\" tests=\"0\" failures=\"0\" errors=\"0\" "
              "skipped=\"0\">\n  </testsuite>\n",
              out);

    /* The executables in the order their first finding was read; each
     * suite then takes its findings in that order too. */
    bool *done = crace_xmalloc((fs->n ? fs->n : 1) * sizeof *done);
    memset(done, 0, (fs->n ? fs->n : 1) * sizeof *done);
    for (size_t i = 0; i < fs->n; i++) {
        if (done[i])
            continue;
        const char *exe = executable_of(&fs->v[i]);
        size_t count = 0;
        for (size_t j = i; j < fs->n; j++)
            count += !done[j] && strcmp(executable_of(&fs->v[j]), exe) == 0;
        char *name = path_display(exe);
        fputs("  <testsuite name=\"", out);
        write_xml_attr(out, name);
        fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\">\n", count,
                count);
        free(name);
        for (size_t j = i; j < fs->n; j++) {
            if (!done[j] && strcmp(executable_of(&fs->v[j]), exe) == 0) {
                write_testcase(out, &fs->v[j]);
                done[j] = true;
            }
        }
        fputs("  </testsuite>\n", out);
    }
    free(done);
    fputs("</testsuites>\n", out);
}
