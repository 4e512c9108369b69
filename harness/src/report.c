/* harness/src/report.c - console, JSON, JUnit XML and the table. */
#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *status_name(rh_status s) {
    switch (s) {
    case RH_PASS: return "pass";
    case RH_FAIL: return "fail";
    case RH_ERROR: return "error";
    case RH_SKIP: return "skip";
    case RH_NOT_RUN: return "not-run";
    }
    return "?";
}

typedef struct family_count {
    const char *family;
    size_t pass, fail, skip, not_run;
} family_count;

static size_t count_families(const rh_results *r, family_count **out) {
    family_count *fc = NULL;
    size_t n = 0;
    for (size_t i = 0; i < r->count; i++) {
        const rh_outcome *o = &r->items[i];
        size_t k = 0;
        while (k < n && strcmp(fc[k].family, o->c->family) != 0) k++;
        if (k == n) {
            fc = realloc(fc, (n + 1) * sizeof *fc);
            if (fc == NULL) rh_die("out of memory");
            fc[n++] = (family_count){.family = o->c->family};
        }
        switch (o->status) {
        case RH_PASS: fc[k].pass++; break;
        case RH_SKIP: fc[k].skip++; break;
        case RH_NOT_RUN: fc[k].not_run++; break;
        case RH_FAIL:
        case RH_ERROR: fc[k].fail++; break;
        }
    }
    *out = fc;
    return n;
}

static const char *console_label(rh_status s) {
    switch (s) {
    case RH_PASS: return "ok  ";
    case RH_FAIL: return "FAIL";
    case RH_ERROR: return "ERROR";
    case RH_SKIP: return "SKIP";
    case RH_NOT_RUN: return "NOT RUN";
    }
    return "?";
}

static void console_run(FILE *f, const rh_outcome *o, int verbose) {
    if (o->status == RH_PASS) {
        if (verbose)
            fprintf(f, "ok   %s/%s [RESP%d] %lld ms\n", o->c->family, o->c->name, o->proto, o->ms);
        return;
    }
    if (!verbose && o->status != RH_FAIL && o->status != RH_ERROR) return;
    fprintf(f, "%s %s/%s [RESP%d] %s:%d\n  %s\n%.*s\n", console_label(o->status), o->c->family,
            o->c->name, o->proto, o->c->file, o->c->line, o->c->desc, (int)o->message.len,
            o->message.data ? o->message.data : "");
}

static void console_families(FILE *f, const rh_results *r, int with_not_run) {
    family_count *fc;
    size_t n = count_families(r, &fc);
    fprintf(f, "%-16s %7s %7s %7s%s\n", "family", "passed", "failed", "n/a",
            with_not_run ? " not run" : "");
    for (size_t k = 0; k < n; k++) {
        fprintf(f, "%-16s %7zu %7zu %7zu", fc[k].family, fc[k].pass, fc[k].fail, fc[k].skip);
        if (with_not_run) fprintf(f, " %7zu", fc[k].not_run);
        fputc('\n', f);
    }
    free(fc);
}

void rh_report_console(FILE *f, const rh_results *r, int verbose) {
    family_count all = {0};
    for (size_t i = 0; i < r->count; i++) {
        const rh_outcome *o = &r->items[i];
        all.pass += o->status == RH_PASS;
        all.skip += o->status == RH_SKIP;
        all.not_run += o->status == RH_NOT_RUN;
        all.fail += o->status == RH_FAIL || o->status == RH_ERROR;
        console_run(f, o, verbose);
    }
    console_families(f, r, all.not_run > 0);
    fprintf(f, "respect %s %s (%s): %zu runs, %zu passed, %zu failed, %zu not applicable", r->mode,
            r->server, r->address, r->count, all.pass, all.fail, all.skip);
    if (all.not_run > 0) fprintf(f, ", %zu not run (%s)", all.not_run, r->stopped);
    fputc('\n', f);
    size_t skip = all.skip;
    if (skip > 0)
        fprintf(f, "NOTE: %zu runs were not applicable here (see -v for why); they are not "
                   "counted as passed\n", skip);
}

static void json_string(FILE *f, const char *s, size_t len) {
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '\n') fputs("\\n", f);
        else if (c < 0x20 || c >= 0x7f) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static void json_cstr(FILE *f, const char *s) {
    json_string(f, s, strlen(s));
}

/* The first failure's parts, as members of the result (when known). */
static void json_failure(FILE *f, const rh_failure *d) {
    const char *names[] = {"expected", "actual", "bytes"};
    const char *parts[] = {d->expected, d->actual, d->bytes};
    for (size_t i = 0; i < 3; i++) {
        if (parts[i] == NULL) continue;
        fprintf(f, ", \"%s\": ", names[i]);
        json_cstr(f, parts[i]);
    }
}

int rh_report_json(const char *path, const rh_results *r) {
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "respect: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fputs("{\"tool\": \"respect\", \"mode\": ", f);
    json_cstr(f, r->mode);
    fputs(", \"server\": ", f);
    json_cstr(f, r->server);
    fputs(", \"address\": ", f);
    json_cstr(f, r->address);
    if (r->stopped != NULL) {
        fputs(", \"stopped\": ", f);
        json_cstr(f, r->stopped);
    }
    fputs(",\n \"results\": [\n", f);
    for (size_t i = 0; i < r->count; i++) {
        const rh_outcome *o = &r->items[i];
        fputs("  {\"family\": ", f);
        json_cstr(f, o->c->family);
        fputs(", \"case\": ", f);
        json_cstr(f, o->c->name);
        fprintf(f, ", \"proto\": %d, \"status\": \"%s\", \"ms\": %lld, \"file\": ", o->proto,
                status_name(o->status), o->ms);
        json_cstr(f, o->c->file);
        fprintf(f, ", \"line\": %d, \"desc\": ", o->c->line);
        json_cstr(f, o->c->desc);
        fputs(", \"message\": ", f);
        json_string(f, o->message.data ? o->message.data : "", o->message.len);
        json_failure(f, &o->first);
        fprintf(f, "}%s\n", i + 1 < r->count ? "," : "");
    }
    fputs(" ]}\n", f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "respect: %s: write failed\n", path);
        return -1;
    }
    return 0;
}

static void xml_text(FILE *f, const char *s, size_t len) {
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\n': case '\t': fputc(c, f); break;
        default:
            if (c < 0x20 || c >= 0x7f) fprintf(f, "&#x%x;", c == 0 ? 0xfffd : c);
            else fputc(c, f);
        }
    }
}

static void xml_cstr(FILE *f, const char *s) {
    xml_text(f, s, strlen(s));
}

int rh_report_junit(const char *path, const rh_results *r) {
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "respect: %s: %s\n", path, strerror(errno));
        return -1;
    }
    family_count *fc;
    size_t n = count_families(r, &fc);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"respect ", f);
    xml_cstr(f, r->server);
    fputs("\">\n", f);
    for (size_t k = 0; k < n; k++) {
        fputs("  <testsuite name=\"", f);
        xml_cstr(f, fc[k].family);
        fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n",
                fc[k].pass + fc[k].fail + fc[k].skip + fc[k].not_run, fc[k].fail,
                fc[k].skip + fc[k].not_run);
        for (size_t i = 0; i < r->count; i++) {
            const rh_outcome *o = &r->items[i];
            if (strcmp(o->c->family, fc[k].family) != 0) continue;
            fputs("    <testcase classname=\"", f);
            xml_cstr(f, o->c->family);
            fputs("\" name=\"", f);
            xml_cstr(f, o->c->name);
            fprintf(f, " [RESP%d]\" time=\"%.3f\"", o->proto, (double)o->ms / 1000.0);
            if (o->status == RH_PASS) {
                fputs("/>\n", f);
                continue;
            }
            int failure = o->status == RH_FAIL || o->status == RH_ERROR;
            const char *tag = failure ? "failure" : "skipped";
            fprintf(f, ">\n      <%s message=\"", tag);
            xml_cstr(f, o->status == RH_NOT_RUN ? "not run" : o->c->desc);
            fputs("\">", f);
            xml_text(f, o->message.data ? o->message.data : "", o->message.len);
            fprintf(f, "</%s>\n    </testcase>\n", tag);
        }
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
    free(fc);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "respect: %s: write failed\n", path);
        return -1;
    }
    return 0;
}
