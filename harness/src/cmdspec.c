/* harness/src/cmdspec.c - a command table from COMMAND DOCS and INFO. */
#define _POSIX_C_SOURCE 200809L
#include "cmdspec.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

static int is_map_like(const resp_value *v) {
    return v != NULL && (v->type == RESP_MAP || v->type == RESP_ARRAY) && v->count % 2 == 0;
}

static int is_string(const resp_value *v) {
    return v != NULL && (v->type == RESP_BULK_STRING || v->type == RESP_SIMPLE_STRING ||
                         v->type == RESP_VERBATIM_STRING) && v->str != NULL;
}

static int str_is(const resp_value *v, const char *s) {
    return is_string(v) && v->len == strlen(s) && strncasecmp(v->str, s, v->len) == 0;
}

/* A field of a map (RESP3) or of a flat key, value... array (RESP2). */
static const resp_value *field(const resp_value *m, const char *key) {
    if (!is_map_like(m)) return NULL;
    for (size_t i = 0; i + 1 < m->count; i += 2)
        if (str_is(&m->elems[i], key)) return &m->elems[i + 1];
    return NULL;
}

static char *lower_copy(const char *s, size_t len) {
    char *r = rh_strndup(s, len);
    for (char *p = r; *p; p++) *p = (char)tolower((unsigned char)*p);
    return r;
}

static char *string_field(const resp_value *m, const char *key) {
    const resp_value *v = field(m, key);
    return is_string(v) ? rh_strndup(v->str, v->len) : NULL;
}

static const struct {
    const char *name;
    rh_arg_type type;
} arg_types[] = {
    {"string", RH_ARG_STRING},       {"integer", RH_ARG_INTEGER},
    {"double", RH_ARG_DOUBLE},       {"key", RH_ARG_KEY},
    {"pattern", RH_ARG_PATTERN},     {"unix-time", RH_ARG_UNIX_TIME},
    {"pure-token", RH_ARG_PURE_TOKEN}, {"oneof", RH_ARG_ONEOF},
    {"block", RH_ARG_BLOCK},
};

static void free_args(rh_arg *args, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(args[i].name);
        free(args[i].token);
        free_args(args[i].sub, args[i].nsub);
    }
    free(args);
}

static int parse_args(const resp_value *list, rh_arg **out, size_t *n, const char *cmd, char *err,
                      size_t errlen);

static int parse_arg(const resp_value *m, rh_arg *a, const char *cmd, char *err, size_t errlen) {
    memset(a, 0, sizeof *a);
    a->name = string_field(m, "name");
    if (a->name == NULL) a->name = rh_strdup("?");
    const resp_value *type = field(m, "type");
    size_t k = 0;
    while (k < sizeof arg_types / sizeof arg_types[0] && !str_is(type, arg_types[k].name)) k++;
    if (k == sizeof arg_types / sizeof arg_types[0]) {
        snprintf(err, errlen, "COMMAND DOCS %s: argument '%s' has an unknown type '%.*s'", cmd,
                 a->name, is_string(type) ? (int)type->len : 1, is_string(type) ? type->str : "?");
        return -1;
    }
    a->type = arg_types[k].type;
    a->token = string_field(m, "token");
    const resp_value *flags = field(m, "flags");
    if (flags != NULL && (flags->type == RESP_ARRAY || flags->type == RESP_SET)) {
        for (size_t i = 0; i < flags->count; i++) {
            a->optional |= str_is(&flags->elems[i], "optional");
            a->multiple |= str_is(&flags->elems[i], "multiple");
            a->multiple_token |= str_is(&flags->elems[i], "multiple_token");
        }
    }
    if (a->type == RH_ARG_PURE_TOKEN && a->token == NULL) {
        snprintf(err, errlen, "COMMAND DOCS %s: pure-token argument '%s' has no token", cmd,
                 a->name);
        return -1;
    }
    if (a->type == RH_ARG_ONEOF || a->type == RH_ARG_BLOCK) {
        const resp_value *sub = field(m, "arguments");
        if (sub == NULL || sub->count == 0) {
            snprintf(err, errlen, "COMMAND DOCS %s: '%s' lists no arguments", cmd, a->name);
            return -1;
        }
        return parse_args(sub, &a->sub, &a->nsub, cmd, err, errlen);
    }
    return 0;
}

static int parse_args(const resp_value *list, rh_arg **out, size_t *n, const char *cmd, char *err,
                      size_t errlen) {
    *out = NULL;
    *n = 0;
    if (list == NULL) return 0;
    if (list->type != RESP_ARRAY) {
        snprintf(err, errlen, "COMMAND DOCS %s: 'arguments' is not an array", cmd);
        return -1;
    }
    *out = calloc(list->count + 1, sizeof **out);
    if (*out == NULL) rh_die("out of memory");
    for (size_t i = 0; i < list->count; i++) {
        int rc = parse_arg(&list->elems[i], &(*out)[i], cmd, err, errlen);
        (*n)++;
        if (rc != 0) return -1;
    }
    return 0;
}

static rh_cmd *add_cmd(rh_cmdtable *t, const char *name, size_t len) {
    t->cmds = realloc(t->cmds, (t->count + 1) * sizeof *t->cmds);
    if (t->cmds == NULL) rh_die("out of memory");
    rh_cmd *c = &t->cmds[t->count++];
    memset(c, 0, sizeof *c);
    c->name = lower_copy(name, len);
    c->group = rh_strdup("");
    char *bar = strchr(c->name, '|');
    if (bar == NULL) {
        c->words[0] = rh_strdup(c->name);
        c->nwords = 1;
    } else {
        c->words[0] = rh_strndup(c->name, (size_t)(bar - c->name));
        c->words[1] = rh_strdup(bar + 1);
        c->nwords = 2;
    }
    return c;
}

/* One COMMAND INFO entry, and its subcommands. */
static void add_info(rh_cmdtable *t, const resp_value *e) {
    if (e == NULL || e->type != RESP_ARRAY || e->count < 2 || !is_string(&e->elems[0])) return;
    rh_cmd *c = add_cmd(t, e->elems[0].str, e->elems[0].len);
    if (e->elems[1].type == RESP_INTEGER) c->arity = e->elems[1].integer;
    if (e->count < 10 || e->elems[9].type != RESP_ARRAY || e->elems[9].count == 0) return;
    c->container = 1;
    const resp_value *subs = &e->elems[9];
    for (size_t i = 0; i < subs->count; i++) add_info(t, &subs->elems[i]);
}

static rh_cmd *find_mut(rh_cmdtable *t, const char *name) {
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->cmds[i].name, name) == 0) return &t->cmds[i];
    return NULL;
}

/* The DOCS entries, subcommands included, matched to the table by name. */
static int add_docs(rh_cmdtable *t, const resp_value *docs, char *err, size_t errlen) {
    if (!is_map_like(docs)) return 0;
    for (size_t i = 0; i + 1 < docs->count; i += 2) {
        const resp_value *name = &docs->elems[i], *doc = &docs->elems[i + 1];
        if (!is_string(name)) continue;
        char *lname = lower_copy(name->str, name->len);
        rh_cmd *c = find_mut(t, lname);
        free(lname);
        if (c != NULL) {
            c->documented = 1;
            char *group = string_field(doc, "group");
            if (group != NULL) {
                free(c->group);
                c->group = group;
            }
            if (parse_args(field(doc, "arguments"), &c->args, &c->nargs, c->name, err, errlen) != 0)
                return -1;
        }
        if (add_docs(t, field(doc, "subcommands"), err, errlen) != 0) return -1;
    }
    return 0;
}

static int by_name_order(const void *a, const void *b) {
    return strcmp((*(const rh_cmd *const *)a)->name, (*(const rh_cmd *const *)b)->name);
}

int rh_cmdtable_build(rh_cmdtable *t, const resp_value *docs, const resp_value *info, char *err,
                      size_t errlen) {
    memset(t, 0, sizeof *t);
    if (info == NULL || info->type != RESP_ARRAY || !is_map_like(docs)) {
        snprintf(err, errlen, "COMMAND INFO or COMMAND DOCS did not reply with the table");
        return -1;
    }
    for (size_t i = 0; i < info->count; i++) add_info(t, &info->elems[i]);
    if (add_docs(t, docs, err, errlen) != 0) {
        rh_cmdtable_free(t);
        return -1;
    }
    /* Every reply the fuzzer reads looks its command up by name. */
    t->by_name = malloc((t->count + 1) * sizeof *t->by_name);
    if (t->by_name == NULL) rh_die("out of memory");
    for (size_t i = 0; i < t->count; i++) t->by_name[i] = &t->cmds[i];
    qsort(t->by_name, t->count, sizeof *t->by_name, by_name_order);
    return 0;
}

static void collect_names(const resp_value *info, char ***names, size_t *n) {
    if (info == NULL || info->type != RESP_ARRAY) return;
    for (size_t i = 0; i < info->count; i++) {
        const resp_value *e = &info->elems[i];
        if (e->type != RESP_ARRAY || e->count == 0 || !is_string(&e->elems[0])) continue;
        *names = realloc(*names, (*n + 1) * sizeof **names);
        if (*names == NULL) rh_die("out of memory");
        (*names)[(*n)++] = lower_copy(e->elems[0].str, e->elems[0].len);
        if (e->count >= 10) collect_names(&e->elems[9], names, n);
    }
}

char **rh_command_names(const resp_value *info, size_t *n) {
    char **names = NULL;
    *n = 0;
    collect_names(info, &names, n);
    return names;
}

void rh_names_free(char **names, size_t n) {
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

const rh_cmd *rh_cmdtable_find(const rh_cmdtable *t, const char *name) {
    size_t lo = 0, hi = t->by_name != NULL ? t->count : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int order = strcmp(t->by_name[mid]->name, name);
        if (order == 0) return t->by_name[mid];
        if (order < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

void rh_cmdtable_free(rh_cmdtable *t) {
    for (size_t i = 0; i < t->count; i++) {
        rh_cmd *c = &t->cmds[i];
        free(c->name);
        free(c->words[0]);
        free(c->words[1]);
        free(c->group);
        free_args(c->args, c->nargs);
    }
    free(t->cmds);
    free(t->by_name);
    memset(t, 0, sizeof *t);
}
