/* harness/src/diff.c - comparing two servers' replies to the same case. */
#include "diff.h"

#include <stdlib.h>
#include <string.h>

#include <resp/printer.h>

#include "pattern.h"
#include "util.h"

static const char *observed(const rh_observation *ob) {
    if (ob == NULL) return "(nothing: the case stopped earlier)";
    if (ob->closed) return "(connection closed)";
    if (ob->printed != NULL) return ob->printed;
    switch (ob->reply.status) {
    case RH_READ_TIMEOUT: return "(no reply in time)";
    case RH_READ_CLOSED: return "(connection closed)";
    case RH_READ_PROTOCOL: return "(not valid RESP)";
    default: return "(unreadable)";
    }
}

static int same(const rh_case *c, const char *ns, const rh_observation *a,
                const rh_observation *b) {
    if (a == NULL || b == NULL) return a == b;
    if (a->closed != b->closed) return 0;
    if (a->closed) return 1;
    if (a->reply.value == NULL || b->reply.value == NULL)
        return a->reply.value == b->reply.value && a->reply.status == b->reply.status &&
               a->reply.rawlen == b->reply.rawlen &&
               (a->reply.rawlen == 0 || memcmp(a->reply.raw, b->reply.raw, a->reply.rawlen) == 0);
    const rh_step *st = &c->steps[a->step];
    rh_pattern *p = NULL;
    if (st->kind == RH_STEP_EXPECT) {
        resp_buf t;
        resp_buf_init(&t, NULL);
        rh_expand(&t, st->text, st->len, ns);
        char why[200];
        if (t.len > 0) p = rh_pattern_parse(t.data, t.len, why, sizeof why);
        resp_buf_free(&t);
    }
    int eq;
    if (p == NULL || rh_pattern_is_exact(p)) {
        /* No declared nondeterminism: the bytes must be the same. */
        eq = a->reply.rawlen == b->reply.rawlen &&
             memcmp(a->reply.raw, b->reply.raw, a->reply.rawlen) == 0;
    } else {
        eq = rh_pattern_same(p, a->reply.value, b->reply.value);
    }
    rh_pattern_free(p);
    return eq;
}

/* The first difference's parts, for reports. */
static void keep_first(rh_failure *f, const rh_observation *oa, const rh_observation *ob) {
    if (f->expected != NULL) return;
    f->expected = rh_strdup(observed(ob));
    f->actual = rh_strdup(observed(oa));
    if (oa == NULL || oa->reply.rawlen == 0) return;
    resp_buf q;
    resp_buf_init(&q, NULL);
    size_t show = oa->reply.rawlen > 400 ? 400 : oa->reply.rawlen;
    resp_print_quoted(&q, oa->reply.raw, show);
    if (show < oa->reply.rawlen) rh_bufprintf(&q, "... (%zu bytes)", oa->reply.rawlen);
    f->bytes = rh_strndup(q.data, q.len);
    resp_buf_free(&q);
}

size_t rh_diff_outcomes(const rh_outcome *a, const rh_outcome *b, const char *name_a,
                        const char *name_b, resp_buf *msg, rh_failure *parts) {
    size_t n = a->nobs > b->nobs ? a->nobs : b->nobs;
    size_t diffs = 0;
    int width = (int)(strlen(name_a) > strlen(name_b) ? strlen(name_a) : strlen(name_b));
    for (size_t i = 0; i < n; i++) {
        const rh_observation *oa = i < a->nobs ? &a->obs[i] : NULL;
        const rh_observation *ob = i < b->nobs ? &b->obs[i] : NULL;
        if (same(a->c, a->ns, oa, ob)) continue;
        diffs++;
        keep_first(parts, oa, ob);
        const rh_observation *any = oa ? oa : ob;
        const rh_step *st = &a->c->steps[any->step];
        rh_bufprintf(msg, "  reply %zu (line %d, connection %s):\n", i + 1, st->line,
                     a->conn_names[any->conn]);
        rh_bufprintf(msg, "    %-*s %s\n", width, name_a, observed(oa));
        rh_bufprintf(msg, "    %-*s %s\n", width, name_b, observed(ob));
        const char *ra = oa ? oa->reply.raw : NULL, *rb = ob ? ob->reply.raw : NULL;
        size_t la = oa ? oa->reply.rawlen : 0, lb = ob ? ob->reply.rawlen : 0;
        if (ra != NULL || rb != NULL) {
            size_t k = 0;
            while (k < la && k < lb && ra[k] == rb[k]) k++;
            rh_bufprintf(msg, "    bytes differ from offset %zu:\n", k);
            rh_bufprintf(msg, "    %-*s ", width, name_a);
            resp_print_quoted(msg, ra ? ra + k : "", la > k ? (la - k > 120 ? 120 : la - k) : 0);
            rh_bufprintf(msg, "\n    %-*s ", width, name_b);
            resp_print_quoted(msg, rb ? rb + k : "", lb > k ? (lb - k > 120 ? 120 : lb - k) : 0);
            rh_bufprintf(msg, "\n");
        }
        /* The case stops being comparable after the first difference on
         * a connection; later slots would only repeat it. */
        break;
    }
    if (diffs > 0) {
        /* A case that reproduces it: what each connection had sent when
         * the differing reply was read (all of it, on the others). */
        const rh_observation *first = NULL;
        for (size_t i = 0; i < n && first == NULL; i++) {
            const rh_observation *oa = i < a->nobs ? &a->obs[i] : NULL;
            const rh_observation *ob = i < b->nobs ? &b->obs[i] : NULL;
            if (!same(a->c, a->ns, oa, ob)) first = oa ? oa : ob;
        }
        rh_bufprintf(msg, "  reproducer (a case: record it against the trusted server):\n");
        rh_bufprintf(msg, "    case %s-repro\n      desc: reproduces %s/%s [RESP%d]\n",
                     a->c->name, a->c->family, a->c->name, a->proto);
        if (a->proto == 2) rh_bufprintf(msg, "      proto: 2\n");
        else rh_bufprintf(msg, "      proto: 3\n");
        for (int pass = 0; pass < 2; pass++) {
            /* Other connections first, the differing one last. */
            for (size_t c = 0; c < a->nconns; c++) {
                int mine = first != NULL && (size_t)first->conn == c;
                if (mine != pass) continue;
                size_t len = mine ? first->sent_mark : a->sentlen[c];
                /* The mark is b's when a has no reply there: a's bytes end sooner. */
                if (len > a->sentlen[c]) len = a->sentlen[c];
                if (len == 0) continue;
                rh_bufprintf(msg, "      conn %s\n      raw ", a->conn_names[c]);
                resp_print_quoted(msg, a->sent[c], len);
                rh_bufprintf(msg, "\n%s", mine ? "      <\n" : "");
            }
        }
        rh_bufprintf(msg, "    (keys are in namespace %s)\n", a->ns);
    }
    return diffs;
}
