/* harness/src/program.c - generated traffic as data. */
#include "program.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <resp/printer.h>

#include "util.h"

void rh_program_init(rh_program *p) {
    memset(p, 0, sizeof *p);
    for (int i = 0; i < RH_PROGRAM_CONNS; i++) p->protos[i] = 2;
}

static void op_free(rh_op *op) {
    for (size_t i = 0; i < op->argc; i++) free(op->argv[i]);
    free(op->argv);
    free(op->lens);
}

void rh_program_clear(rh_program *p) {
    for (size_t i = 0; i < p->count; i++) op_free(&p->ops[i]);
    p->count = 0;
}

void rh_program_free(rh_program *p) {
    rh_program_clear(p);
    free(p->ops);
    p->ops = NULL;
    p->cap = 0;
}

rh_op *rh_program_add(rh_program *p, rh_op_kind kind, int conn) {
    if (p->count == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->ops = realloc(p->ops, p->cap * sizeof *p->ops);
        if (p->ops == NULL) rh_die("out of memory");
    }
    rh_op *op = &p->ops[p->count++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->conn = conn;
    return op;
}

void rh_op_push(rh_op *op, const char *arg, size_t len) {
    op->argv = realloc(op->argv, (op->argc + 1) * sizeof *op->argv);
    op->lens = realloc(op->lens, (op->argc + 1) * sizeof *op->lens);
    if (op->argv == NULL || op->lens == NULL) rh_die("out of memory");
    op->argv[op->argc] = rh_strndup(arg, len);
    op->lens[op->argc++] = len;
}

void rh_op_remove_arg(rh_op *op, size_t i) {
    free(op->argv[i]);
    memmove(&op->argv[i], &op->argv[i + 1], (op->argc - i - 1) * sizeof *op->argv);
    memmove(&op->lens[i], &op->lens[i + 1], (op->argc - i - 1) * sizeof *op->lens);
    op->argc--;
}

void rh_program_copy(rh_program *dst, const rh_program *src, const unsigned char *keep) {
    rh_program_init(dst);
    memcpy(dst->protos, src->protos, sizeof dst->protos);
    for (size_t i = 0; i < src->count; i++) {
        if (keep != NULL && !keep[i]) continue;
        const rh_op *s = &src->ops[i];
        rh_op *d = rh_program_add(dst, s->kind, s->conn);
        for (size_t k = 0; k < s->argc; k++) rh_op_push(d, s->argv[k], s->lens[k]);
        d->chunk = s->chunk;
        d->batch_end = s->batch_end;
    }
}

static void lower_into(char *out, size_t outlen, const char *s, size_t len) {
    size_t n = len < outlen - 1 ? len : outlen - 1;
    for (size_t i = 0; i < n; i++) out[i] = (char)tolower((unsigned char)s[i]);
    out[n] = '\0';
}

void rh_op_name(const rh_op *op, int container, char *out, size_t outlen) {
    out[0] = '\0';
    if (op->kind == RH_OP_RAW || op->argc == 0) return;
    lower_into(out, outlen, op->argv[0], op->lens[0]);
    if (!container || op->argc < 2) return;
    size_t used = strlen(out);
    if (used + 2 >= outlen) return;
    out[used] = '|';
    lower_into(out + used + 1, outlen - used - 1, op->argv[1], op->lens[1]);
}

void rh_op_encode(const rh_op *op, const char *ns, resp_buf *out) {
    if (op->kind == RH_OP_RAW) {
        rh_expand(out, op->argv[0], op->lens[0], ns);
        return;
    }
    resp_buf arg;
    resp_buf_init(&arg, NULL);
    if (op->kind == RH_OP_INLINE) {
        for (size_t i = 0; i < op->argc; i++) {
            if (i > 0) resp_buf_append(out, " ", 1);
            rh_expand(out, op->argv[i], op->lens[i], ns);
        }
        resp_buf_append(out, "\r\n", 2);
        return;
    }
    rh_bufprintf(out, "*%zu\r\n", op->argc);
    for (size_t i = 0; i < op->argc; i++) {
        resp_buf_clear(&arg);
        rh_expand(&arg, op->argv[i], op->lens[i], ns);
        rh_bufprintf(out, "$%zu\r\n", arg.len);
        resp_buf_append(out, arg.data, arg.len);
        resp_buf_append(out, "\r\n", 2);
    }
    resp_buf_free(&arg);
}

/* A bare word in a case line needs no quotes. */
static int bare(const char *s, size_t len) {
    if (len == 0) return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isgraph(c) || c == '"' || c == '\\' || c == '#') return 0;
    }
    return s[0] != '<' && s[0] != '>';
}

/* Writes s quoted, with long runs of one byte as "x"*N. */
static void quoted(resp_buf *out, const char *s, size_t len) {
    if (len == 0) {
        resp_buf_append(out, "\"\"", 2);
        return;
    }
    size_t i = 0;
    while (i < len) {
        size_t run = 1;
        while (i + run < len && s[i + run] == s[i]) run++;
        if (run >= 16) {
            resp_print_quoted(out, s + i, 1);
            rh_bufprintf(out, "*%zu", run);
            i += run;
            continue;
        }
        size_t end = i + run;
        /* Up to the next long run. */
        while (end < len) {
            size_t r = 1;
            while (end + r < len && s[end + r] == s[end]) r++;
            if (r >= 16) break;
            end += r;
        }
        resp_print_quoted(out, s + i, end - i);
        i = end;
    }
}

void rh_op_case_step(const rh_op *op, resp_buf *out) {
    if (op->kind == RH_OP_COMMAND) {
        resp_buf_append(out, ">", 1);
        for (size_t i = 0; i < op->argc; i++) {
            resp_buf_append(out, " ", 1);
            if (bare(op->argv[i], op->lens[i])) resp_buf_append(out, op->argv[i], op->lens[i]);
            else quoted(out, op->argv[i], op->lens[i]);
        }
        return;
    }
    resp_buf bytes;
    resp_buf_init(&bytes, NULL);
    if (op->kind == RH_OP_RAW) {
        resp_buf_append(&bytes, op->argv[0], op->lens[0]);
    } else {
        for (size_t i = 0; i < op->argc; i++) {
            if (i > 0) resp_buf_append(&bytes, " ", 1);
            resp_buf_append(&bytes, op->argv[i], op->lens[i]);
        }
        resp_buf_append(&bytes, "\r\n", 2);
    }
    resp_buf_append(out, "raw ", 4);
    quoted(out, bytes.data, bytes.len);
    resp_buf_free(&bytes);
}
