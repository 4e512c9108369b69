/* tests/harness/model_test.c - respect fuzz's reply model: how many
 * replies redis-server 7.0 sends to each command of a sequence, given
 * what came before it on the connection.  Each sequence was sent to
 * redis-server; a wrong count costs the fuzzer a timeout or a desync. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"
#include "program.h"

typedef struct step {
    const char *cmd;  /* the model's name for it ("client|reply") */
    const char *args; /* space-separated argv */
    int replies;
} step;

static void expect_steps(int proto, const step *steps, size_t n) {
    rh_model m;
    rh_model_init(&m, proto);
    for (size_t i = 0; i < n; i++) {
        rh_program p;
        rh_program_init(&p);
        rh_op *op = rh_program_add(&p, RH_OP_COMMAND, 0);
        char words[128];
        snprintf(words, sizeof words, "%s", steps[i].args);
        for (char *save, *w = strtok_r(words, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
            rh_op_push(op, w, strlen(w));
        int got = rh_model_expect(&m, op, steps[i].cmd);
        if (got != steps[i].replies)
            fail_msg("step %zu (%s): %d replies expected, the model said %d", i, steps[i].args,
                     steps[i].replies, got);
        rh_program_free(&p);
    }
    rh_model_free(&m);
}

#define EXPECT(proto, ...)                                         \
    do {                                                           \
        const step s_[] = {__VA_ARGS__};                           \
        expect_steps(proto, s_, sizeof s_ / sizeof s_[0]);         \
    } while (0)

static void skip_swallows_one_reply(void **state) {
    (void)state;
    EXPECT(2, {"client|reply", "CLIENT REPLY SKIP", 0}, {"ping", "PING", 0},
           {"ping", "PING", 1});
}

static void reset_after_skip_is_skipped(void **state) {
    (void)state;
    EXPECT(2, {"client|reply", "CLIENT REPLY SKIP", 0}, {"reset", "RESET", 0},
           {"ping", "PING", 1});
}

static void reset_after_off_replies(void **state) {
    (void)state;
    EXPECT(2, {"client|reply", "CLIENT REPLY OFF", 0}, {"ping", "PING", 0},
           {"reset", "RESET", 1}, {"ping", "PING", 1});
}

static void reset_ends_a_transaction(void **state) {
    (void)state;
    EXPECT(3, {"multi", "MULTI", 1}, {"client|reply", "CLIENT REPLY SKIP", 1},
           {"reset", "RESET", 1}, {"ping", "PING", 1});
}

static void subscribe_confirms_each_channel(void **state) {
    (void)state;
    EXPECT(3, {"subscribe", "SUBSCRIBE a b c", 3}, {"unsubscribe", "UNSUBSCRIBE x", 1});
    /* A bare UNSUBSCRIBE with no subscription still confirms once. */
    EXPECT(2, {"unsubscribe", "UNSUBSCRIBE", 1});
}

static void quit_with_replies_off_is_silent(void **state) {
    (void)state;
    EXPECT(2, {"client|reply", "CLIENT REPLY OFF", 0}, {"quit", "QUIT", 0},
           {"ping", "PING", 0});
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(skip_swallows_one_reply),
        cmocka_unit_test(reset_after_skip_is_skipped),
        cmocka_unit_test(reset_after_off_replies),
        cmocka_unit_test(reset_ends_a_transaction),
        cmocka_unit_test(subscribe_confirms_each_channel),
        cmocka_unit_test(quit_with_replies_off_is_silent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
