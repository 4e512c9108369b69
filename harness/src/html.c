/* harness/src/html.c - the table as a whole HTML page: one file, no
 * scripts, nothing fetched; below the table, every failure in full. */
#include <stdint.h>
#include <string.h>

#include <resp/resp.h>

#include "table.h"

static const char style[] =
    "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d1d1f;"
    "background:#fff;margin:2em auto;max-width:80em;padding:0 1.5em}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em}\n"
    "h3{font-size:1em;margin:0 0 .3em}\n"
    "code,pre{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,monospace;font-size:.92em}\n"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:.6em;"
    "margin:.4em 0 0}\n"
    "table.matrix{border-collapse:collapse;margin:1em 0}\n"
    ".matrix th,.matrix td{border:1px solid #c9c9c9;padding:.3em .8em;text-align:left}\n"
    ".matrix thead th{background:#eef0f3}.matrix td{font-variant-numeric:tabular-nums}\n"
    ".matrix tr.total th,.matrix tr.total td{font-weight:600;border-top:2px solid #888}\n"
    ".pass{background:#d9f2d9}.fail{background:#f9d4d4}.na{background:#ececec;color:#555}\n"
    ".stop{background:#fde8c4}\n"
    ".matrix a{color:inherit}\n"
    ".legend span{display:inline-block;padding:0 .6em;margin-right:.4em;border:1px solid #c9c9c9}\n"
    ".note{color:#444}.warn{background:#fde8c4;border-left:4px solid #d08a00;padding:.5em .8em}\n"
    "section.failure{border:1px solid #e4b9b9;border-left:4px solid #c0392b;border-radius:3px;"
    "margin:1em 0;padding:.7em 1em}\n"
    ".failure .where{color:#555}\n"
    "table.detail{border-collapse:collapse;width:100%}\n"
    ".detail th{text-align:left;vertical-align:top;width:6em;padding:.15em 1em .15em 0;"
    "color:#555;font-weight:600}\n"
    ".detail td{padding:.15em 0;overflow-wrap:anywhere}\n"
    ".detail tr.expected code{color:#1a6b1a}.detail tr.actual code{color:#a31515}\n"
    "footer{margin-top:3em;color:#666;font-size:.9em}\n";

/* Text for an HTML element or attribute: markup characters as references,
 * control characters (but newline and tab) as U+FFFD. */
static void text(FILE *f, const char *s) {
    if (s == NULL) return;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\n':
        case '\t': fputc(c, f); break;
        default:
            if (c < 0x20 || c == 0x7f) fputs("&#xfffd;", f);
            else fputc(c, f);
        }
    }
}

static const char *field(const rh_json *item, const char *key) {
    return rh_json_str(rh_json_get(item, key));
}

static int number(const rh_json *item, const char *key) {
    const rh_json *n = rh_json_get(item, key);
    return n != NULL && n->kind == RH_JSON_NUMBER ? (int)n->number : 0;
}

/* The first failure of a family on a server, or SIZE_MAX. */
static size_t first_failure(const rh_table *t, const char *family, size_t column) {
    for (size_t k = 0; k < t->nfail; k++) {
        const char *fam = field(t->failures[k].item, "family");
        if (t->failures[k].column == column && fam != NULL && strcmp(fam, family) == 0) return k;
    }
    return SIZE_MAX;
}

static const char *cell_class(const rh_cell *c) {
    if (c->fail > 0) return "fail";
    if (c->not_run > 0) return "stop";
    if (c->pass > 0) return "pass";
    return "na";
}

static void cell(FILE *f, const rh_cell *c, size_t link) {
    size_t run = c->pass + c->fail;
    fprintf(f, "<td class=\"%s\">", cell_class(c));
    if (run == 0 && c->skip == 0 && c->not_run == 0) {
        fputs("&#x2013;</td>", f);
        return;
    }
    const char *sep = "";
    if (run > 0) {
        if (link != SIZE_MAX) fprintf(f, "<a href=\"#failure-%zu\">", link + 1);
        fprintf(f, "%s %zu/%zu", c->fail == 0 ? "&#x2713;" : "&#x2717;", c->pass, run);
        if (link != SIZE_MAX) fputs("</a>", f);
        sep = " &middot; ";
    }
    if (c->skip > 0) fprintf(f, "%s%zu n/a", sep, c->skip);
    if (c->skip > 0) sep = " &middot; ";
    if (c->not_run > 0) fprintf(f, "%s%zu not run", sep, c->not_run);
    fputs("</td>", f);
}

static void head(FILE *f, const rh_table *t) {
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>respect: RESP conformance",
          f);
    for (size_t c = 0; c < t->ncols; c++) {
        fputs(c == 0 ? " of " : ", ", f);
        text(f, t->columns[c].server);
    }
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

static void matrix(FILE *f, const rh_table *t) {
    fputs("<table class=\"matrix\">\n<thead><tr><th>family</th>", f);
    for (size_t c = 0; c < t->ncols; c++) {
        fputs("<th>", f);
        text(f, t->columns[c].server);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t r = 0; r < t->nfam; r++) {
        fputs("<tr><th>", f);
        text(f, t->families[r]);
        fputs("</th>", f);
        for (size_t c = 0; c < t->ncols; c++)
            cell(f, rh_table_cell(t, r, c), first_failure(t, t->families[r], c));
        fputs("</tr>\n", f);
    }
    fputs("<tr class=\"total\"><th>total</th>", f);
    for (size_t c = 0; c < t->ncols; c++) cell(f, &t->columns[c].total, SIZE_MAX);
    fputs("</tr>\n</tbody>\n</table>\n", f);
}

static void stopped_notes(FILE *f, const rh_table *t) {
    for (size_t c = 0; c < t->ncols; c++) {
        if (t->columns[c].stopped == NULL) continue;
        fputs("<p class=\"warn\"><strong>", f);
        text(f, t->columns[c].server);
        fputs("</strong>: the run ", f);
        text(f, t->columns[c].stopped);
        fputs("; the runs after it are counted as not run.</p>\n", f);
    }
}

static void detail_row(FILE *f, const char *name, const char *value) {
    if (value == NULL) return;
    fprintf(f, "<tr class=\"%s\"><th>%s</th><td><code>", name, name);
    text(f, value);
    fputs("</code></td></tr>\n", f);
}

static void failure(FILE *f, const rh_table *t, size_t k) {
    const rh_json *it = t->failures[k].item;
    fprintf(f, "<section class=\"failure\" id=\"failure-%zu\">\n<h3>%s <code>", k + 1,
            strcmp(field(it, "status"), "error") == 0 ? "error" : "failed");
    text(f, field(it, "family"));
    fputc('/', f);
    text(f, field(it, "case"));
    fprintf(f, " [RESP%d]</code> on ", number(it, "proto"));
    text(f, t->columns[t->failures[k].column].server);
    fputs("</h3>\n<p>", f);
    text(f, field(it, "desc"));
    fputs(" <span class=\"where\">(", f);
    text(f, field(it, "file"));
    fprintf(f, ":%d)</span></p>\n", number(it, "line"));
    int parts = field(it, "expected") != NULL || field(it, "actual") != NULL;
    if (parts) {
        fputs("<table class=\"detail\">\n", f);
        detail_row(f, "expected", field(it, "expected"));
        detail_row(f, "actual", field(it, "actual"));
        detail_row(f, "bytes", field(it, "bytes"));
        fputs("</table>\n", f);
    }
    fputs(parts ? "<details><summary>the whole report</summary><pre>" : "<pre>", f);
    text(f, field(it, "message"));
    fputs(parts ? "</pre></details>\n</section>\n" : "</pre>\n</section>\n", f);
}

void rh_table_html(FILE *out, const rh_table *t) {
    head(out, t);
    fputs("<h1>RESP conformance</h1>\n<p class=\"note\">Rows: command families. Columns: "
          "servers. Each cell counts runs passed of runs made, each case under RESP2 and "
          "RESP3; n/a: runs not applicable to that server (its skip file gives the reason).</p>\n",
          out);
    matrix(out, t);
    fputs("<p class=\"legend\"><span class=\"pass\">&#x2713; all passed</span><span "
          "class=\"fail\">&#x2717; a run failed</span><span class=\"na\">not applicable</span>"
          "<span class=\"stop\">not run</span></p>\n",
          out);
    stopped_notes(out, t);
    fprintf(out, "<h2>Failures (%zu)</h2>\n", t->nfail);
    if (t->nfail == 0) fputs("<p>None: every run that was made passed.</p>\n", out);
    for (size_t k = 0; k < t->nfail; k++) failure(out, t, k);
    fprintf(out, "<footer>Written by respect %s (<code>respect table --html</code>).</footer>\n"
                 "</body>\n</html>\n",
            resp_version());
}
