/* harness/src/normalise.c - the reviewed normalisations of respect fuzz. */
#define _POSIX_C_SOURCE 200809L
#include "normalise.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "util.h"

/* "P1 || P2 ...": each a pattern. */
static int parse_alternatives(rh_rule *rule, const char *arg, size_t len, char *err,
                              size_t errlen) {
    for (size_t pos = 0; pos <= len;) {
        const char *bar = strstr(arg + pos, " || ");
        size_t end = bar != NULL ? (size_t)(bar - arg) : len;
        char why[200];
        rh_pattern *p = rh_pattern_parse(arg + pos, end - pos, why, sizeof why);
        if (p == NULL) {
            snprintf(err, errlen, "line %d: %s", rule->line, why);
            return -1;
        }
        rule->patterns = realloc(rule->patterns, (rule->npatterns + 1) * sizeof *rule->patterns);
        if (rule->patterns == NULL) rh_die("out of memory");
        rule->patterns[rule->npatterns++] = p;
        pos = end + 4;
    }
    return 0;
}

static int parse_line(rh_rule *rule, char *ln, int line, char *err, size_t errlen) {
    memset(rule, 0, sizeof *rule);
    rule->line = line;
    const char *why = rh_cut_reason(ln);
    if (why == NULL) {
        snprintf(err, errlen, "line %d: a rule needs its reason after ' #'", line);
        return -1;
    }
    char *p = ln;
    while (*p == ' ' || *p == '\t') p++;
    char *cmd = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    size_t cmdlen = (size_t)(p - cmd);
    while (*p == ' ' || *p == '\t') p++;
    char *kind = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    size_t kindlen = (size_t)(p - kind);
    while (*p == ' ' || *p == '\t') p++;
    char *arg = p;
    size_t arglen = strlen(arg);
    while (arglen > 0 && (arg[arglen - 1] == ' ' || arg[arglen - 1] == '\t')) arg[--arglen] = '\0';
    rule->cmd = rh_strndup(cmd, cmdlen);
    for (char *c = rule->cmd; *c; c++) *c = (char)tolower((unsigned char)*c);
    rule->why = rh_strdup(why);
    long long n = -1;
#define KIND_IS(s) (kindlen == strlen(s) && memcmp(kind, s, kindlen) == 0)
    if (KIND_IS("match")) {
        rule->kind = RH_RULE_MATCH;
        rule->text = rh_strdup(arg);
        if (parse_alternatives(rule, arg, arglen, err, errlen) != 0) return -1;
    } else if (KIND_IS("unordered")) {
        rule->kind = RH_RULE_UNORDERED;
        if (arglen > 0 && (!rh_parse_ll(arg, arglen, &n) || n < 0)) {
            snprintf(err, errlen, "line %d: unordered takes an element index", line);
            return -1;
        }
        rule->n = n;
    } else if (KIND_IS("tolerance")) {
        rule->kind = RH_RULE_TOLERANCE;
        if (!rh_parse_ll(arg, arglen, &n) || n < 0) {
            snprintf(err, errlen, "line %d: tolerance takes a number", line);
            return -1;
        }
        rule->n = n;
    } else if (KIND_IS("scan")) {
        rule->kind = RH_RULE_SCAN;
    } else if (KIND_IS("subscriptions")) {
        rule->kind = RH_RULE_SUBSCRIPTIONS;
    } else if (KIND_IS("same-publish")) {
        rule->kind = RH_RULE_SAME_PUBLISH;
    } else if (KIND_IS("subcommands")) {
        rule->kind = RH_RULE_SUBCOMMANDS;
    } else {
        snprintf(err, errlen, "line %d: unknown rule '%.*s' (match, unordered, tolerance, scan, subscriptions, same-publish, subcommands)",
                 line, (int)kindlen, kind);
        return -1;
    }
#undef KIND_IS
    if (rule->kind != RH_RULE_MATCH && rule->kind != RH_RULE_UNORDERED &&
        rule->kind != RH_RULE_TOLERANCE && arglen > 0) {
        snprintf(err, errlen, "line %d: '%s' takes no argument", line, arg);
        return -1;
    }
    return 0;
}

static void rule_free(rh_rule *rule) {
    free(rule->cmd);
    free(rule->text);
    free(rule->why);
    for (size_t i = 0; i < rule->npatterns; i++) rh_pattern_free(rule->patterns[i]);
    free(rule->patterns);
}

static const rh_rule *find_exact(const rh_rules *r, const char *key) {
    for (size_t i = 0; r != NULL && i < r->count; i++)
        if (strcmp(r->rules[i].cmd, key) == 0) return &r->rules[i];
    return NULL;
}

static int add_rule(char *ln, int line, void *ctx) {
    rh_entry_ctx *c = ctx;
    rh_rules *r = c->list;
    r->rules = realloc(r->rules, (r->count + 1) * sizeof *r->rules);
    if (r->rules == NULL) rh_die("out of memory");
    rh_rule *rule = &r->rules[r->count++];
    if (parse_line(rule, ln, line, c->err, c->errlen) != 0) return -1;
    if (find_exact(r, rule->cmd) != rule) {
        snprintf(c->err, c->errlen, "line %d: a second rule for '%s'", line, rule->cmd);
        return -1;
    }
    return 0;
}

int rh_rules_parse(rh_rules *r, const char *text, size_t len, char *err, size_t errlen) {
    memset(r, 0, sizeof *r);
    rh_entry_ctx c = {r, err, errlen};
    if (rh_each_entry(text, len, add_rule, &c) == 0) return 0;
    rh_rules_free(r);
    return -1;
}

static int parse_rules(void *out, const char *text, size_t len, char *err, size_t errlen) {
    return rh_rules_parse(out, text, len, err, errlen);
}

int rh_rules_load(rh_rules *r, const char *path, char *err, size_t errlen) {
    return rh_parse_file(path, parse_rules, r, err, errlen);
}

void rh_rules_free(rh_rules *r) {
    for (size_t i = 0; i < r->count; i++) rule_free(&r->rules[i]);
    free(r->rules);
    memset(r, 0, sizeof *r);
}

const rh_rule *rh_rules_find(const rh_rules *r, const char *cmd, size_t argc) {
    char key[96];
    snprintf(key, sizeof key, "%s/%zu", cmd, argc);
    const rh_rule *rule = find_exact(r, key);
    return rule != NULL ? rule : find_exact(r, cmd);
}

static int is_error(const resp_value *v) {
    return v->type == RESP_SIMPLE_ERROR || v->type == RESP_BULK_ERROR;
}

static int is_aggregate(const resp_value *v) {
    return v->type == RESP_ARRAY || v->type == RESP_SET || v->type == RESP_PUSH ||
           v->type == RESP_MAP;
}

/* Multiset equality of two aggregates' elements (maps: of their pairs). */
static int same_multiset(const resp_value *a, const resp_value *b) {
    if (a->type != b->type || a->count != b->count) return 0;
    size_t step = a->type == RESP_MAP ? 2 : 1;
    unsigned char *used = calloc(a->count + 1, 1);
    if (used == NULL) rh_die("out of memory");
    int ok = 1;
    for (size_t i = 0; i < a->count && ok; i += step) {
        ok = 0;
        for (size_t j = 0; j < b->count && !ok; j += step) {
            if (used[j] || !resp_value_equal(&a->elems[i], &b->elems[j])) continue;
            if (step == 2 && !resp_value_equal(&a->elems[i + 1], &b->elems[j + 1])) continue;
            used[j] = 1;
            ok = 1;
        }
    }
    free(used);
    return ok;
}

static int same_unordered(long long at, const resp_value *a, const resp_value *b) {
    if (at < 0) return is_aggregate(a) && same_multiset(a, b);
    if (!is_aggregate(a) || a->type != b->type || a->count != b->count ||
        (size_t)at >= a->count)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        int ok = i == (size_t)at ? is_aggregate(&a->elems[i]) &&
                                       same_multiset(&a->elems[i], &b->elems[i])
                                 : resp_value_equal(&a->elems[i], &b->elems[i]);
        if (!ok) return 0;
    }
    return 1;
}

static int scan_shape(const resp_value *v) {
    return v->type == RESP_ARRAY && v->count == 2 && v->elems[0].type == RESP_BULK_STRING &&
           v->elems[1].type == RESP_ARRAY;
}

static int cursor_done(const resp_value *v) {
    return v->elems[0].len == 1 && v->elems[0].str[0] == '0';
}

static int same_scan(const resp_value *a, const resp_value *b) {
    if (!scan_shape(a) || !scan_shape(b)) return 0;
    if (cursor_done(a) && cursor_done(b)) return same_multiset(&a->elems[1], &b->elems[1]);
    return 1;
}

/* Both replies match the same one of the rule's patterns. */
static int both_match(const rh_rule *rule, const resp_value *a, const resp_value *b) {
    for (size_t i = 0; i < rule->npatterns; i++)
        if (rh_pattern_match(rule->patterns[i], a) && rh_pattern_match(rule->patterns[i], b))
            return 1;
    return 0;
}

/* The text of the alternative v matches (there is one: v was compared). */
static void print_match(resp_buf *out, const rh_rule *rule, const resp_value *v) {
    const char *t = rule->text;
    for (size_t i = 0; i < rule->npatterns; i++) {
        const char *bar = strstr(t, " || ");
        size_t len = bar != NULL ? (size_t)(bar - t) : strlen(t);
        if (rh_pattern_match(rule->patterns[i], v) || i + 1 == rule->npatterns) {
            resp_buf_append(out, t, len);
            return;
        }
        t = bar + 4;
    }
}

/* COMMAND INFO: an entry is [name, arity, flags, first, last, step, acl,
 * tips, key specs, subcommands]. */
#define SUBCOMMANDS 9

static const resp_value *entry_named(const resp_value *list, const resp_value *name) {
    for (size_t i = 0; i < list->count; i++) {
        const resp_value *e = &list->elems[i];
        if (e->type == RESP_ARRAY && e->count > 0 && resp_value_equal(&e->elems[0], name))
            return e;
    }
    return NULL;
}

static int same_entry(const resp_value *a, const resp_value *b);

/* The subcommands both list must be described alike. */
static int same_common_subcommands(const resp_value *a, const resp_value *b) {
    if (!is_aggregate(a) || !is_aggregate(b)) return resp_value_equal(a, b);
    for (size_t i = 0; i < a->count; i++) {
        const resp_value *e = &a->elems[i];
        if (e->type != RESP_ARRAY || e->count == 0) return 0;
        const resp_value *other = entry_named(b, &e->elems[0]);
        if (other != NULL && !same_entry(e, other)) return 0;
    }
    return 1;
}

static int same_entry(const resp_value *a, const resp_value *b) {
    if (a->type != RESP_ARRAY || b->type != RESP_ARRAY || a->count != b->count ||
        a->count <= SUBCOMMANDS)
        return resp_value_equal(a, b);
    for (size_t i = 0; i < SUBCOMMANDS; i++)
        if (!resp_value_equal(&a->elems[i], &b->elems[i])) return 0;
    return same_common_subcommands(&a->elems[SUBCOMMANDS], &b->elems[SUBCOMMANDS]);
}

static int same_entries(const resp_value *a, const resp_value *b) {
    if (a->type != RESP_ARRAY || b->type != RESP_ARRAY || a->count != b->count) return 0;
    for (size_t i = 0; i < a->count; i++)
        if (!same_entry(&a->elems[i], &b->elems[i])) return 0;
    return 1;
}

int rh_rules_same_value(const rh_rule *rule, const resp_value *a, const resp_value *b) {
    if (resp_value_equal(a, b)) return 1;
    if (rule == NULL || is_error(a) || is_error(b)) return 0;
    switch (rule->kind) {
    case RH_RULE_MATCH: return both_match(rule, a, b);
    case RH_RULE_UNORDERED: return same_unordered(rule->n, a, b);
    case RH_RULE_TOLERANCE:
        return a->type == RESP_INTEGER && b->type == RESP_INTEGER && a->integer >= 0 &&
               b->integer >= 0 &&
               (a->integer > b->integer ? a->integer - b->integer : b->integer - a->integer) <=
                   rule->n;
    case RH_RULE_SCAN: return same_scan(a, b);
    case RH_RULE_SUBCOMMANDS: return same_entries(a, b);
    case RH_RULE_SUBSCRIPTIONS:
    case RH_RULE_SAME_PUBLISH: return 0; /* compared as a group */
    }
    return 0;
}

int rh_rules_same(const rh_rule *rule, const resp_value *a, const char *raw_a, size_t len_a,
                  const resp_value *b, const char *raw_b, size_t len_b) {
    if (len_a == len_b && memcmp(raw_a, raw_b, len_a) == 0) return 1;
    if (a == NULL || b == NULL) return 0;
    return rh_rules_same_value(rule, a, b);
}

int rh_rules_is_confirmation(const resp_value *v) {
    return (v->type == RESP_ARRAY || v->type == RESP_PUSH) && v->count == 3 &&
           v->elems[0].type == RESP_BULK_STRING && v->elems[2].type == RESP_INTEGER;
}

int rh_rules_same_confirmations(const resp_value *const *a, const resp_value *const *b, size_t n) {
    resp_value na = {.type = RESP_ARRAY}, nb = {.type = RESP_ARRAY};
    resp_value *ea = calloc(n + 1, sizeof *ea), *eb = calloc(n + 1, sizeof *eb);
    if (ea == NULL || eb == NULL) rh_die("out of memory");
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        ok = rh_rules_is_confirmation(a[i]) && rh_rules_is_confirmation(b[i]) &&
             a[i]->type == b[i]->type &&
             resp_value_equal(&a[i]->elems[0], &b[i]->elems[0]) &&
             resp_value_equal(&a[i]->elems[2], &b[i]->elems[2]);
        if (ok) ea[i] = a[i]->elems[1], eb[i] = b[i]->elems[1];
    }
    na.elems = ea, na.count = n;
    nb.elems = eb, nb.count = n;
    ok = ok && same_multiset(&na, &nb);
    free(ea); /* the elements are borrowed */
    free(eb);
    return ok;
}

static void print_plain(resp_buf *out, const resp_value *v, const char *ns) {
    char *p = rh_print(v, ns);
    rh_bufprintf(out, "%s", p);
    free(p);
}

/* Borrowed values as one aggregate, for same_multiset. */
static resp_value gather(const resp_value *const *v, size_t n, resp_value *store) {
    for (size_t i = 0; i < n; i++) store[i] = *v[i];
    return (resp_value){.type = RESP_ARRAY, .elems = store, .count = n};
}

int rh_rules_same_messages(const resp_value *const *a, const resp_value *const *b, size_t n) {
    resp_value *sa = calloc(n + 1, sizeof *sa), *sb = calloc(n + 1, sizeof *sb);
    if (sa == NULL || sb == NULL) rh_die("out of memory");
    resp_value ga = gather(a, n, sa), gb = gather(b, n, sb);
    int ok = same_multiset(&ga, &gb);
    free(sa);
    free(sb);
    return ok;
}

static int is_pmessage(const resp_value *v) {
    return (v->type == RESP_ARRAY || v->type == RESP_PUSH) && v->count == 4 &&
           v->elems[0].type == RESP_BULK_STRING && v->elems[0].len == 8 &&
           memcmp(v->elems[0].str, "pmessage", 8) == 0;
}

int rh_rules_same_publish(const resp_value *first, const resp_value *v) {
    return is_pmessage(first) && is_pmessage(v) && first->type == v->type &&
           resp_value_equal(&first->elems[2], &v->elems[2]) &&
           resp_value_equal(&first->elems[3], &v->elems[3]);
}

/* v printed with "unordered " before the aggregate at element `at` (or
 * before v itself when at < 0). */
static void print_unordered(resp_buf *out, const resp_value *v, long long at, const char *ns) {
    if (at < 0 || v->type != RESP_ARRAY || (size_t)at >= v->count) {
        if (is_aggregate(v)) resp_buf_append(out, "unordered ", 10);
        print_plain(out, v, ns);
        return;
    }
    resp_buf_append(out, "*[", 2);
    for (size_t i = 0; i < v->count; i++) {
        if (i > 0) resp_buf_append(out, " ", 1);
        if (i == (size_t)at) print_unordered(out, &v->elems[i], -1, ns);
        else print_plain(out, &v->elems[i], ns);
    }
    resp_buf_append(out, "]", 1);
}

/* COMMAND INFO entries with any non-empty subcommand list as "any". */
static void print_entries(resp_buf *out, const resp_value *v, const char *ns) {
    if (v->type != RESP_ARRAY) {
        print_plain(out, v, ns);
        return;
    }
    resp_buf_append(out, "*[", 2);
    for (size_t i = 0; i < v->count; i++) {
        const resp_value *e = &v->elems[i];
        if (i > 0) resp_buf_append(out, " ", 1);
        if (e->type != RESP_ARRAY || e->count <= SUBCOMMANDS ||
            e->elems[SUBCOMMANDS].count == 0) {
            print_plain(out, e, ns);
            continue;
        }
        resp_buf_append(out, "*[", 2);
        for (size_t k = 0; k < SUBCOMMANDS; k++) {
            print_plain(out, &e->elems[k], ns);
            resp_buf_append(out, " ", 1);
        }
        resp_buf_append(out, "any]", 4);
    }
    resp_buf_append(out, "]", 1);
}

char *rh_rules_expectation(const rh_rule *rule, const resp_value *v, const char *ns) {
    if (rule == NULL || is_error(v)) return rh_print(v, ns);
    resp_buf out;
    resp_buf_init(&out, NULL);
    switch (rule->kind) {
    case RH_RULE_MATCH: print_match(&out, rule, v); break;
    case RH_RULE_UNORDERED: print_unordered(&out, v, rule->n, ns); break;
    case RH_RULE_TOLERANCE:
        if (v->type == RESP_INTEGER && v->integer >= 0)
            rh_bufprintf(&out, ":%lld..%lld", v->integer > rule->n ? v->integer - rule->n : 0,
                         v->integer > LLONG_MAX - rule->n ? LLONG_MAX : v->integer + rule->n);
        else print_plain(&out, v, ns);
        break;
    case RH_RULE_SCAN:
        if (scan_shape(v) && cursor_done(v)) print_unordered(&out, v, 1, ns);
        else if (scan_shape(v)) rh_bufprintf(&out, "*[$/^[0-9]+$/ any]");
        else print_plain(&out, v, ns);
        break;
    case RH_RULE_SUBCOMMANDS: print_entries(&out, v, ns); break;
    case RH_RULE_SUBSCRIPTIONS:
    case RH_RULE_SAME_PUBLISH: print_plain(&out, v, ns); break;
    }
    resp_buf_append(&out, "", 1);
    return out.data;
}
