/* fuzz/hiredis_diff_fuzz.c - resp/'s reply reader against hiredis's
 * redisReader on the same bytes, for the RESP2 types hiredis 0.14 knows.
 *
 * The input is a reply stream.  Both readers take it whole; reply by
 * reply they must reach the same verdict (complete, incomplete, error),
 * consume the same bytes and build the same value.  The comparison stops
 * at the first reply where a divergence listed below applies; any other
 * difference aborts.
 *
 * Listed divergences (hiredis 0.14.1 against resp/):
 *  D1 RESP3 types: resp/ reads them, hiredis refuses the type byte.
 *  D2 Nesting: hiredis keeps a stack of 9 levels and refuses any array
 *     (or null array) that sits below 8 levels of arrays ("No support for
 *     nested multi bulk replies with depth > 7"); resp/ reads 64 here.
 *  D3 Limits: resp/ runs with small limits here (1 MiB strings, 1024
 *     elements), so that hiredis never sees a declared size that would make
 *     it allocate gigabytes; past a resp/ limit error nothing is compared.
 *  D4 Line ends: hiredis 0.14 does not check the two bytes after a bulk
 *     payload, and reads a simple string or error up to "\r\n" whatever
 *     it holds; resp/ requires CR LF after a payload and refuses a bare CR
 *     or LF inside a line.  Where resp/ reports either, hiredis may accept.
 *  D5 An integer with a '+' sign (":+3"): the RESP3 specification allows
 *     the sign and resp/ reads it; hiredis 0.14 reports "Bad integer
 *     value". */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <resp/value.h>

#include "fuzz_util.h"
#include "hiredis_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static const redisReader *current_hiredis;

/* Printed before a failed check: the divergence is not one listed above. */
static void explain(void) {
    if (current_hiredis != NULL && current_hiredis->err)
        fprintf(stderr, "hiredis said: %s\n", current_hiredis->errstr);
    fprintf(stderr, "hiredis_diff: unlisted divergence\n");
}

static resp_error note_resp3(void *ud, const resp_event *ev) {
    int *seen = ud;
    int resp2 = ev->type == RESP_SIMPLE_STRING || ev->type == RESP_SIMPLE_ERROR ||
                ev->type == RESP_BULK_STRING || ev->type == RESP_INTEGER ||
                ev->type == RESP_ARRAY ||
                (ev->type == RESP_NULL && ev->null_kind != RESP_NULL_RESP3);
    if (!resp2 || ev->streamed) *seen = 1;
    return RESP_OK;
}

/* Whether the unfinished reply at the start of buf already shows a RESP3
 * construct (D1): then hiredis refuses or misreads it while resp/ waits. */
static int pending_uses_resp3(const char *buf, size_t len) {
    int seen = 0;
    resp_reply_parser p;
    resp_reply_init(&p, NULL);
    size_t used = 0;
    resp_reply_parse(&p, buf, len, &used, note_resp3, &seen);
    return seen;
}

/* Whether a reply's bytes hold an integer line starting ":+" (D5). */
static int has_plus_integer(const char *buf, size_t len) {
    for (size_t i = 0; i + 1 < len; i++)
        if (buf[i] == ':' && buf[i + 1] == '+' && (i == 0 || buf[i - 1] == '\n')) return 1;
    return 0;
}

/* hiredis's own refusals that D1 and D2 cover: a RESP3 type byte, or
 * nesting past its stack. */
static int hiredis_refused_resp3(const redisReader *hr) {
    const char *e = hr->errstr;
    if (strstr(e, "nested multi bulk replies with depth") != NULL) return 1;
    const char *got = strstr(e, "Protocol error, got \"");
    if (got == NULL) return 0;
    char c = got[strlen("Protocol error, got \"")];
    return strchr("_#,(!=%~|>", c) != NULL && c != '\0';
}

/* Errors of resp/ after which hiredis may legitimately go on (D4).
 * Fuzzing with malformed integers and lengths allowed found none: hiredis
 * 0.14 refuses those too ("Bad integer value"), so they stay strict. */
static int lenient_in_hiredis(resp_error e) {
    return e == RESP_EBAD_LINE_END || e == RESP_EBAD_STRING;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *in = (const char *)data;
    resp_reply_options opts = {.max_bulk_len = 1 << 20, .max_elements = 1024, .max_depth = 64};
    resp_reader rr;
    resp_reader_init(&rr, &opts, NULL);

    /* hiredis sees only the bytes up to where resp/ stops on a limit (D3):
     * find that point first. */
    size_t limit_at = size;
    {
        resp_reader probe;
        resp_reader_init(&probe, &opts, NULL);
        size_t off = 0;
        for (;;) {
            size_t used = 0;
            resp_value *v = NULL;
            resp_reply_status st = resp_reader_parse(&probe, in + off, size - off, &used, &v);
            resp_value_free(v, NULL);
            if (st == RESP_REPLY_COMPLETE) {
                off += used;
                continue;
            }
            if (st == RESP_REPLY_ERROR) {
                resp_error e = resp_reader_error(&probe);
                if (e == RESP_ELIMIT_SIZE || e == RESP_ELIMIT_COUNT || e == RESP_ELIMIT_DEPTH ||
                    e == RESP_ENOMEM)
                    limit_at = off;
            }
            break;
        }
        resp_reader_free(&probe);
    }

    redisReader *hr = redisReaderCreate();
    if (hr == NULL) return 0;
    current_hiredis = hr;
    fuzz_on_failure(explain);
    /* Past a limit hiredis gets nothing more; it may still parse what it
     * has.  Without limit, it gets the same bytes as resp/. */
    if (limit_at > 0) redisReaderFeed(hr, in, limit_at);

    size_t off = 0;
    for (;;) {
        size_t used = 0;
        resp_value *v = NULL;
        resp_reply_status st = resp_reader_parse(&rr, in + off, size - off, &used, &v);
        void *hreply = NULL;
        int hst = REDIS_OK;
        if (off < limit_at || (off == limit_at && limit_at == size)) hst = redisReaderGetReply(hr, &hreply);
        else hst = -2; /* hiredis was not given this reply */

        if (st == RESP_REPLY_COMPLETE) {
            if (!rh_resp2_only(v)) {
                fuzz_check(hst == REDIS_ERR, "hiredis accepted a RESP3 type (D1)");
            } else if (rh_array_chain(v) > RH_HIREDIS_MAX_CHAIN) {
                fuzz_check(hst == REDIS_ERR, "hiredis accepted nesting deeper than 7 (D2)");
            } else if (hst == REDIS_ERR && strcmp(hr->errstr, "Bad integer value") == 0 &&
                       has_plus_integer(in + off, used)) {
                resp_value_free(v, NULL); /* D5: nothing more to compare */
                break;
            } else {
                fuzz_check(hst == REDIS_OK && hreply != NULL, "resp/ complete, hiredis not");
                fuzz_check(rh_same_as_hiredis(v, hreply), "different values");
                size_t h_left = hr->len - hr->pos;
                fuzz_check(limit_at - h_left == off + used, "different bytes consumed");
            }
            int stop = !rh_resp2_only(v) || rh_array_chain(v) > RH_HIREDIS_MAX_CHAIN;
            resp_value_free(v, NULL);
            if (hreply != NULL) freeReplyObject(hreply);
            if (stop) break;
            off += used;
            continue;
        }
        if (st == RESP_REPLY_INCOMPLETE) {
            /* hiredis may have read a lenient reply resp/ has not finished
             * only if it was fed less (never here): both must wait. */
            if (hst == REDIS_ERR) {
                int d5 = strcmp(hr->errstr, "Bad integer value") == 0 &&
                         has_plus_integer(in + off, size - off);
                fuzz_check(d5 || hiredis_refused_resp3(hr) ||
                               pending_uses_resp3(in + off, size - off),
                           "resp/ waits, hiredis failed on a RESP2 reply");
            }
            else if (hst == REDIS_OK && hreply != NULL)
                fuzz_check(pending_uses_resp3(in + off, size - off),
                           "resp/ waits, hiredis read a RESP2 reply");
        } else {
            resp_error e = resp_reader_error(&rr);
            if (hst != -2 && !lenient_in_hiredis(e)) {
                /* A RESP3 type byte resp/ refuses in a wrong place, or any
                 * other malformation: hiredis must not produce a value. */
                fuzz_check(hreply == NULL, "resp/ refused a reply that hiredis read");
            }
        }
        if (hreply != NULL) freeReplyObject(hreply);
        break;
    }
    resp_reader_free(&rr);
    redisReaderFree(hr);
    return 0;
}
