/* server/reply.c - replies in the connection's protocol. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "glob.h"
#include "server.h"

void mr_add_raw(mr_conn *c, const char *s, size_t len) {
    if (mr_conn_muted(c)) return;
    resp_buf_append(&c->out, s, len);
}

void mr_add_ok(mr_conn *c) {
    if (mr_conn_muted(c)) return;
    mr_add_raw(c, "+OK\r\n", 5);
}

void mr_add_status(mr_conn *c, const char *s) {
    mr_add_status_len(c, s, strlen(s));
}

void mr_add_status_len(mr_conn *c, const char *s, size_t len) {
    if (mr_conn_muted(c)) return;
    resp_write_simple_string(&c->out, s, len);
}

/* Every error counts in the statistics, even one the client is not sent
 * (CLIENT REPLY OFF, a closing connection), as in Redis. */
static void count_error(mr_conn *c, const char *text, size_t len) {
    c->errors++;
    mr_stats_error(c->srv, text, len);
}

void mr_add_error(mr_conn *c, const char *text) {
    count_error(c, text, strlen(text));
    if (mr_conn_muted(c)) return;
    resp_write_simple_error(&c->out, text, strlen(text));
}

static void buf_vprintf(resp_buf *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;

static void buf_vprintf(resp_buf *b, const char *fmt, va_list ap) {
    char small[512];
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= 0 && (size_t)n < sizeof small) {
        resp_buf_append(b, small, (size_t)n);
    } else if (n >= 0) {
        char *big = mr_xmalloc((size_t)n + 1);
        vsnprintf(big, (size_t)n + 1, fmt, again);
        resp_buf_append(b, big, (size_t)n);
        free(big);
    }
    va_end(again);
}

void mr_buf_printf(resp_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void mr_add_errorf(mr_conn *c, const char *fmt, ...) {
    resp_buf text;
    resp_buf_init(&text, NULL);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&text, fmt, ap);
    va_end(ap);
    const char *s = text.data != NULL ? text.data : "";
    count_error(c, s, text.len);
    if (!mr_conn_muted(c)) resp_write_simple_error(&c->out, s, text.len);
    resp_buf_free(&text);
}

void mr_add_integer(mr_conn *c, long long v) {
    if (mr_conn_muted(c)) return;
    resp_write_integer(&c->out, v);
}

void mr_add_bulk(mr_conn *c, const char *s, size_t len) {
    if (mr_conn_muted(c)) return;
    resp_write_bulk_string(&c->out, s, len);
}

void mr_add_double(mr_conn *c, double v) {
    if (mr_conn_muted(c)) return;
    resp_write_double(&c->out, c->proto, v);
}

void mr_add_bulk_cstr(mr_conn *c, const char *s) {
    if (mr_conn_muted(c)) return;
    resp_write_bulk_string(&c->out, s, strlen(s));
}

void mr_add_null(mr_conn *c) {
    if (mr_conn_muted(c)) return;
    resp_write_null(&c->out, c->proto, RESP_NULL_BULK);
}

void mr_add_null_array(mr_conn *c) {
    if (mr_conn_muted(c)) return;
    resp_write_null(&c->out, c->proto, RESP_NULL_ARRAY);
}

void mr_add_array(mr_conn *c, size_t n) {
    if (mr_conn_muted(c)) return;
    resp_write_aggregate(&c->out, c->proto, RESP_ARRAY, n);
}

void mr_add_map(mr_conn *c, size_t pairs) {
    if (mr_conn_muted(c)) return;
    resp_write_aggregate(&c->out, c->proto, RESP_MAP, pairs);
}

void mr_add_set(mr_conn *c, size_t n) {
    if (mr_conn_muted(c)) return;
    resp_write_aggregate(&c->out, c->proto, RESP_SET, n);
}

void mr_add_push(mr_conn *c, size_t n) {
    if (mr_conn_muted(c)) return;
    resp_write_aggregate(&c->out, c->proto, RESP_PUSH, n);
}

void mr_add_array_resp2(mr_conn *c, size_t n) {
    if (mr_conn_muted(c)) return;
    resp_write_aggregate(&c->out, 2, RESP_ARRAY, n);
}

void mr_add_verbatim(mr_conn *c, const char *s, size_t len) {
    if (mr_conn_muted(c)) return;
    resp_write_verbatim(&c->out, c->proto, "txt", s, len);
}

void mr_add_bool(mr_conn *c, int v) {
    if (mr_conn_muted(c)) return;
    resp_write_boolean(&c->out, c->proto, v);
}

void mr_add_big_number(mr_conn *c, const char *digits) {
    if (mr_conn_muted(c)) return;
    resp_write_big_number(&c->out, c->proto, digits, strlen(digits));
}

void mr_add_attribute(mr_conn *c, size_t pairs) {
    if (mr_conn_muted(c)) return;
    resp_write_aggregate(&c->out, c->proto, RESP_ATTRIBUTE, pairs);
}

void mr_add_matching_names(mr_conn *c, mr_dict *d, const resp_span *pattern,
                           int (*keep)(mr_conn *c, const mr_dict_entry *e)) {
    /* The count comes first on the wire, so the names go to a side buffer. */
    resp_buf body;
    resp_buf_init(&body, NULL);
    size_t n = 0;
    mr_dict_iter it;
    mr_dict_iter_init(&it, d);
    for (mr_dict_entry *e; (e = mr_dict_iter_next(&it)) != NULL;) {
        if (pattern != NULL && !mr_glob_match(pattern->ptr, pattern->len, e->key, e->klen, 0))
            continue;
        if (keep != NULL && !keep(c, e)) continue;
        resp_write_bulk_string(&body, e->key, e->klen);
        n++;
    }
    mr_dict_iter_done(&it);
    mr_add_array(c, n);
    mr_add_raw(c, body.data, body.len);
    resp_buf_free(&body);
}

/* Words of a space-separated list: returns the next word's length and
 * moves *p past it, 0 at the end. */
size_t mr_next_word(const char **p, const char **word) {
    const char *s = *p;
    while (*s == ' ') s++;
    *word = s;
    while (*s != '\0' && *s != ' ') s++;
    *p = s;
    return (size_t)(s - *word);
}

static size_t word_count(const char *list) {
    size_t n = 0;
    const char *w;
    for (const char *p = list; mr_next_word(&p, &w) > 0;) n++;
    return n;
}

/* A set of words, as status strings (flags) or bulk strings (tips). */
void mr_add_word_set(mr_conn *c, const char *list, int status) {
    mr_add_set(c, word_count(list));
    const char *w;
    size_t n;
    for (const char *p = list; (n = mr_next_word(&p, &w)) > 0;) {
        if (status) mr_add_status_len(c, w, n);
        else mr_add_bulk(c, w, n);
    }
}
