/*
 * render_text.c: the two formats that are the records themselves: text
 * (each finding's "text", exactly as the detector printed it live) and
 * json (each merged finding's record, as JSON Lines that `crace report`
 * reads again). Also the XML escaping shared by JUnit and HTML.
 */
#include <string.h>

#include "render.h"

void render_text(FILE *out, const struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        fputs(fs->v[i].text, out);
}

/* f's record with "merged" set to its counts. Written member by member
 * rather than by changing the record: renderers leave findings alone. */
static void write_merged_record(FILE *out, const struct finding *f)
{
    const struct json *r = f->record;
    putc('{', out);
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->u.members[i].key, "merged") == 0)
            continue;
        json_write_string(out, r->u.members[i].key);
        putc(':', out);
        json_write(out, r->u.members[i].value);
        putc(',', out);
    }
    fprintf(out, "\"merged\":{\"occurrences\":%llu,\"processes\":[", f->occurrences);
    for (size_t i = 0; i < f->n_procs; i++) {
        fprintf(out, "%s{\"pid\":%lld,\"executable\":", i ? "," : "", f->procs[i].pid);
        json_write_string(out, f->procs[i].executable);
        putc('}', out);
    }
    fputs("]}}\n", out);
}

void render_json(FILE *out, const struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        write_merged_record(out, &fs->v[i]);
}

static void write_xml(FILE *out, const char *s, bool attr)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&#39;", out);
            break;
        case '\n':
            fputs(attr ? "&#10;" : "\n", out);
            break;
        case '\t':
            fputs(attr ? "&#9;" : "\t", out);
            break;
        case '\r':
            fputs("&#13;", out); /* a raw one would be read back as a newline */
            break;
        default:
            if (*p < 0x20)
                fputs("\xef\xbf\xbd", out); /* U+FFFD: XML 1.0 has no way to hold it */
            else
                putc(*p, out);
            break;
        }
    }
}

void write_xml_text(FILE *out, const char *s)
{
    write_xml(out, s, false);
}

void write_xml_attr(FILE *out, const char *s)
{
    write_xml(out, s, true);
}
