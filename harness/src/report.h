/* harness/src/report.h - one run's results: console, JSON, JUnit XML
 * (table.h merges JSON result files into one table). */
#ifndef RH_REPORT_H
#define RH_REPORT_H

#include <stdio.h>

#include "runner.h"

typedef struct rh_results {
    const char *server;  /* name shown as the table's column */
    const char *address;
    const char *mode;    /* "run" or "diff" */
    const char *stopped; /* why the run stopped early, or NULL */
    rh_outcome *items;
    size_t count;
} rh_results;

/* Failures in full, then one line per family and the totals. */
void rh_report_console(FILE *f, const rh_results *r, int verbose);
int rh_report_json(const char *path, const rh_results *r);
int rh_report_junit(const char *path, const rh_results *r);

#endif /* RH_REPORT_H */
