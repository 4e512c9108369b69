/* harness/src/normalise.h - the one reviewed list of ways two servers'
 * replies may differ and still count as the same (harness/fuzz/normalise).
 *
 * A line names a command and a rule, and must give its reason:
 *   keys          unordered        # hash-table order is not behaviour
 *   scan          scan             # cursors are the implementation's own
 *   ttl           tolerance 1      # the two servers set the TTL ms apart
 *   client|id     match :1..9223372036854775807   # a counter per server
 * Rules:
 *   match P [|| P]  both replies match the same one of the patterns (the
 *                   case matcher language; alternatives for RESP2 and RESP3
 *                   shapes, or for a null and a value)
 *   unordered [I]   the reply (or its element I) compares as a multiset
 *   tolerance N     integers within N of each other (negative ones exactly)
 *   scan            [cursor, keys]: keys as a multiset when both cursors
 *                   are "0", else only the shape
 *   subscriptions   the confirmations one command gets: channels in any
 *                   order, the kinds and counts in order
 *   same-publish    the pattern messages one PUBLISH delivers to one
 *                   subscriber (same channel, same payload): in any order
 *   subcommands     COMMAND INFO entries: a container's subcommands (its
 *                   element 9) in any order, those both servers list alike
 * A command may be written "name/N": the rule holds only when it has N
 * arguments (its name included), and wins over a rule for the bare name.
 * Error replies are always compared byte for byte; so is every reply of a
 * command with no rule. */
#ifndef RH_NORMALISE_H
#define RH_NORMALISE_H

#include <stddef.h>

#include <resp/value.h>

#include "pattern.h"

typedef enum rh_rule_kind {
    RH_RULE_MATCH,
    RH_RULE_UNORDERED,
    RH_RULE_TOLERANCE,
    RH_RULE_SCAN,
    RH_RULE_SUBSCRIPTIONS,
    RH_RULE_SAME_PUBLISH,
    RH_RULE_SUBCOMMANDS
} rh_rule_kind;

typedef struct rh_rule {
    char *cmd; /* lower case, "a|b" for a subcommand */
    rh_rule_kind kind;
    long long n;        /* TOLERANCE: the allowance; UNORDERED: element or -1 */
    char *text;         /* MATCH: the patterns' text */
    rh_pattern **patterns;
    size_t npatterns;
    char *why;
    int line;
} rh_rule;

typedef struct rh_rules {
    rh_rule *rules;
    size_t count;
} rh_rules;

/* Parses the rules file text.  Returns 0, or -1 with "line N: reason". */
int rh_rules_parse(rh_rules *r, const char *text, size_t len, char *err, size_t errlen);
int rh_rules_load(rh_rules *r, const char *path, char *err, size_t errlen);
void rh_rules_free(rh_rules *r);
/* The rule for command cmd called with argc arguments, or NULL. */
const rh_rule *rh_rules_find(const rh_rules *r, const char *cmd, size_t argc);

/* Non-zero when replies a and b (with their raw bytes) are the same under
 * rule (NULL: byte for byte). */
int rh_rules_same(const rh_rule *rule, const resp_value *a, const char *raw_a, size_t len_a,
                  const resp_value *b, const char *raw_b, size_t len_b);
/* The same for two values without their bytes (elements of a reply). */
int rh_rules_same_value(const rh_rule *rule, const resp_value *a, const resp_value *b);
/* The rules that compare several consecutive replies as one group: */
/* SUBSCRIPTIONS: n confirmations from each server. */
int rh_rules_same_confirmations(const resp_value *const *a, const resp_value *const *b, size_t n);
int rh_rules_is_confirmation(const resp_value *v);
/* SAME_PUBLISH: n pattern messages from each server. */
int rh_rules_same_messages(const resp_value *const *a, const resp_value *const *b, size_t n);
/* Non-zero when pattern message v came from the same PUBLISH as first. */
int rh_rules_same_publish(const resp_value *first, const resp_value *v);

/* The expectation a case writes for reply v under rule: v printed
 * (namespace ns as '@'), the rule turned into the matching matcher.  The
 * result is malloc'ed. */
char *rh_rules_expectation(const rh_rule *rule, const resp_value *v, const char *ns);

#endif /* RH_NORMALISE_H */
