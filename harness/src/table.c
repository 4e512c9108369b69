/* harness/src/table.c - result files merged into one table, and the
 * table as Markdown. */
#define _POSIX_C_SOURCE 200809L
#include "table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char cells_note[] =
    "Cells: runs passed/run, each case under RESP2 and RESP3; n/a: runs not applicable to "
    "that server (its skip file gives the reason).";

static size_t add_column(rh_table *t, const char *server) {
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->columns[c].server, server) == 0) return c;
    t->columns = realloc(t->columns, (t->ncols + 1) * sizeof *t->columns);
    if (t->columns == NULL) rh_die("out of memory");
    t->columns[t->ncols] = (rh_column){.server = rh_strdup(server)};
    return t->ncols++;
}

static void add_family(rh_table *t, const char *name) {
    for (size_t i = 0; i < t->nfam; i++)
        if (strcmp(t->families[i], name) == 0) return;
    t->families = realloc(t->families, (t->nfam + 1) * sizeof *t->families);
    if (t->families == NULL) rh_die("out of memory");
    t->families[t->nfam++] = rh_strdup(name);
}

static size_t family_row(const rh_table *t, const char *name) {
    size_t i = 0;
    while (i < t->nfam && strcmp(t->families[i], name) != 0) i++;
    return i;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const rh_json *results_of(const rh_json *doc) {
    return rh_json_get(doc, "results");
}

/* Reads one file into t->docs; -1 with a message when it is not one. */
static int load_doc(rh_table *t, const char *file) {
    size_t len;
    char *text = rh_read_file(file, &len);
    if (text == NULL) {
        fprintf(stderr, "respect: %s: %s\n", file, strerror(errno));
        return -1;
    }
    char why[200];
    rh_json *doc = rh_json_parse(text, len, why, sizeof why);
    free(text);
    const rh_json *results = doc ? results_of(doc) : NULL;
    const char *server = doc ? rh_json_str(rh_json_get(doc, "server")) : NULL;
    if (results == NULL || results->kind != RH_JSON_ARRAY || server == NULL) {
        fprintf(stderr, "respect: %s: not a respect result file%s%s\n", file, doc ? "" : ": ",
                doc ? "" : why);
        rh_json_free(doc);
        return -1;
    }
    t->docs[t->ndocs++] = doc;
    size_t column = add_column(t, server);
    rh_column *col = &t->columns[column];
    if (col->stopped == NULL) col->stopped = rh_json_str(rh_json_get(doc, "stopped"));
    for (size_t i = 0; i < results->count; i++) {
        const char *fam = rh_json_str(rh_json_get(&results->items[i], "family"));
        if (fam != NULL) add_family(t, fam);
    }
    return 0;
}

static void add_failure(rh_table *t, size_t column, const rh_json *item) {
    t->failures = realloc(t->failures, (t->nfail + 1) * sizeof *t->failures);
    if (t->failures == NULL) rh_die("out of memory");
    t->failures[t->nfail++] = (rh_table_failure){column, item};
}

static void count_run(rh_table *t, size_t column, const rh_json *item) {
    const char *fam = rh_json_str(rh_json_get(item, "family"));
    const char *st = rh_json_str(rh_json_get(item, "status"));
    if (fam == NULL || st == NULL || rh_json_str(rh_json_get(item, "case")) == NULL) return;
    rh_cell *cells[2] = {&t->cells[family_row(t, fam) * t->ncols + column],
                         &t->columns[column].total};
    for (int k = 0; k < 2; k++) {
        rh_cell *c = cells[k];
        if (strcmp(st, "pass") == 0) c->pass++;
        else if (strcmp(st, "skip") == 0) c->skip++;
        else if (strcmp(st, "not-run") == 0) c->not_run++;
        else c->fail++;
    }
    if (strcmp(st, "fail") == 0 || strcmp(st, "error") == 0) add_failure(t, column, item);
}

int rh_table_load(rh_table *t, char **files, size_t nfiles) {
    memset(t, 0, sizeof *t);
    t->docs = calloc(nfiles + 1, sizeof *t->docs);
    if (t->docs == NULL) rh_die("out of memory");
    for (size_t s = 0; s < nfiles; s++)
        if (load_doc(t, files[s]) != 0) return -1;
    qsort(t->families, t->nfam, sizeof *t->families, cmp_str);
    t->cells = calloc(t->nfam * t->ncols + 1, sizeof *t->cells);
    if (t->cells == NULL) rh_die("out of memory");
    for (size_t d = 0; d < t->ndocs; d++) {
        size_t column = add_column(t, rh_json_str(rh_json_get(t->docs[d], "server")));
        const rh_json *results = results_of(t->docs[d]);
        for (size_t i = 0; i < results->count; i++) count_run(t, column, &results->items[i]);
    }
    return 0;
}

void rh_table_free(rh_table *t) {
    for (size_t i = 0; i < t->ndocs; i++) rh_json_free(t->docs[i]);
    for (size_t i = 0; i < t->nfam; i++) free(t->families[i]);
    for (size_t i = 0; i < t->ncols; i++) free(t->columns[i].server);
    free(t->docs);
    free(t->families);
    free(t->columns);
    free(t->cells);
    free(t->failures);
    memset(t, 0, sizeof *t);
}

const rh_cell *rh_table_cell(const rh_table *t, size_t family, size_t column) {
    return &t->cells[family * t->ncols + column];
}

/* ---- Markdown ---- */

static void md_cell(FILE *out, const rh_cell *c) {
    size_t run = c->pass + c->fail;
    if (run == 0 && c->skip == 0 && c->not_run == 0) {
        fputs(" – |", out);
        return;
    }
    fprintf(out, " %s %zu/%zu", run == 0 ? "" : c->fail == 0 ? "✅" : "❌", c->pass, run);
    if (c->skip != 0) fprintf(out, " (%zu n/a)", c->skip);
    if (c->not_run != 0) fprintf(out, " (%zu not run)", c->not_run);
    fputs(" |", out);
}

static void md_failures(FILE *out, const rh_table *t, size_t column) {
    int any = 0;
    for (size_t k = 0; k < t->nfail; k++) {
        if (t->failures[k].column != column) continue;
        const rh_json *it = t->failures[k].item;
        const rh_json *proto = rh_json_get(it, "proto");
        fprintf(out, "%s%s/%s [RESP%d]", any ? ", " : "", rh_json_str(rh_json_get(it, "family")),
                rh_json_str(rh_json_get(it, "case")), proto ? (int)proto->number : 0);
        any = 1;
    }
}

void rh_table_markdown(FILE *out, const rh_table *t) {
    fputs("| family |", out);
    for (size_t c = 0; c < t->ncols; c++) fprintf(out, " %s |", t->columns[c].server);
    fputs("\n|---|", out);
    for (size_t c = 0; c < t->ncols; c++) fputs("---|", out);
    fputs("\n", out);
    for (size_t f = 0; f < t->nfam; f++) {
        fprintf(out, "| %s |", t->families[f]);
        for (size_t c = 0; c < t->ncols; c++) md_cell(out, rh_table_cell(t, f, c));
        fputs("\n", out);
    }
    fputs("| total |", out);
    for (size_t c = 0; c < t->ncols; c++) md_cell(out, &t->columns[c].total);
    fputs("\n", out);
    for (size_t c = 0; c < t->ncols; c++) {
        if (t->columns[c].total.fail > 0) {
            fprintf(out, "\n%s fails: ", t->columns[c].server);
            md_failures(out, t, c);
            fputs("\n", out);
        }
        if (t->columns[c].stopped != NULL)
            fprintf(out, "\n%s: %s\n", t->columns[c].server, t->columns[c].stopped);
    }
    fprintf(out, "\n%s\n", cells_note);
}

int rh_report_table(FILE *out, int html, char **files, size_t nfiles) {
    rh_table t;
    int rc = rh_table_load(&t, files, nfiles);
    if (rc == 0 && html) rh_table_html(out, &t);
    else if (rc == 0) rh_table_markdown(out, &t);
    rh_table_free(&t);
    return rc;
}
