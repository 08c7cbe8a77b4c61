/*
 * render.h: the output formats of `crace report`, each a renderer of the
 * merged findings (findings.h) to a stream.
 */
#ifndef CRACE_RENDER_H
#define CRACE_RENDER_H

#include <stdio.h>

#include "findings.h"

/* X(name, help): `--format name` calls render_<name>. */
#define REPORT_FORMATS(X)                                                              \
    X(text, "Go's layout, byte for byte as the detector printed each finding live")      \
    X(json, "the merged records as JSON Lines (crace-report/1, with \"merged\" counts)") \
    X(sarif, "SARIF 2.1.0, for GitHub code scanning (upload-sarif)")                     \
    X(junit, "JUnit XML: a testsuite per executable, a failing testcase per finding")    \
    X(html, "one self-contained HTML page, with source lines and filters")

#define RENDER_DECLARE(name, help) void render_##name(FILE *out, const struct findings *fs);
REPORT_FORMATS(RENDER_DECLARE)
#undef RENDER_DECLARE

/* s with the characters XML and HTML give a meaning (& < > " ') escaped,
 * and the characters XML 1.0 cannot hold (controls other than tab and
 * newline) replaced by U+FFFD. In attributes newlines are kept as &#10;. */
void write_xml_text(FILE *out, const char *s);
void write_xml_attr(FILE *out, const char *s);

#endif /* CRACE_RENDER_H */
