/* harness/src/table.h - result files (respect run --json) merged into one
 * table: command families as rows, servers as columns; written as
 * Markdown (table.c) or as a whole HTML page (html.c). */
#ifndef RH_TABLE_H
#define RH_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "json.h"

typedef struct rh_cell {
    size_t pass, fail, skip, not_run; /* runs; fail counts errors too */
} rh_cell;

typedef struct rh_column {
    char *server;
    const char *stopped; /* why a run of this server stopped early, or NULL */
    rh_cell total;
} rh_column;

/* One failed run: its entry in a result file (family, case, proto, file,
 * line, desc, status, message, and expected, actual, bytes when known). */
typedef struct rh_table_failure {
    size_t column;
    const rh_json *item;
} rh_table_failure;

typedef struct rh_table {
    char **families; /* sorted */
    size_t nfam;
    rh_column *columns;
    size_t ncols;
    rh_cell *cells;  /* nfam x ncols */
    rh_table_failure *failures;
    size_t nfail;
    rh_json **docs;
    size_t ndocs;
} rh_table;

/* Reads the files (files of one server share its column).  Returns 0, or
 * -1 with a message on stderr. */
int rh_table_load(rh_table *t, char **files, size_t nfiles);
void rh_table_free(rh_table *t);
const rh_cell *rh_table_cell(const rh_table *t, size_t family, size_t column);

void rh_table_markdown(FILE *out, const rh_table *t);
void rh_table_html(FILE *out, const rh_table *t);

/* Loads the files and writes the table; 0, or -1 with a message. */
int rh_report_table(FILE *out, int html, char **files, size_t nfiles);

#endif /* RH_TABLE_H */
