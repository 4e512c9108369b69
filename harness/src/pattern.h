/* harness/src/pattern.h - expected replies, written in resp/'s printer
 * notation plus matchers for behaviour that is not deterministic.
 *
 *   exact values      +"OK"  -"ERR x"  $"v"  $-1  :3  _  #t  ,1.5  (123
 *                     =txt:"hi"  *[...]  ~[...]  %{k=>v}  >[...]  |{...} v
 *   integer range     :0..100
 *   string prefix     -"ERR unknown command"...   (any string type)
 *   string regex      $/^[0-9]+$/   =txt:/^# Server/
 *                     (POSIX ERE; \r \n \t \xhh and \/ are turned into
 *                     the bytes before compiling; a verbatim regex matches
 *                     the text after "fmt:")
 *   any one value     any
 *   unordered         unordered *[$"a" $"b"]      (also ~[...], >[...], %{...})
 *
 * Patterns are parsed once per run, after the case's key namespace has
 * been substituted into the text. */
#ifndef RH_PATTERN_H
#define RH_PATTERN_H

#include <regex.h>
#include <stddef.h>

#include <resp/value.h>

typedef enum rh_pattern_kind {
    RH_PAT_EXACT,  /* type and payload; aggregates compare elements */
    RH_PAT_ANY,
    RH_PAT_RANGE,  /* integer in [lo, hi] */
    RH_PAT_PREFIX, /* string type, payload starts with str */
    RH_PAT_REGEX   /* string type, payload matches re */
} rh_pattern_kind;

typedef struct rh_pattern rh_pattern;
struct rh_pattern {
    rh_pattern_kind kind;
    resp_type type;
    resp_null_kind null_kind;
    long long lo, hi;  /* INTEGER and BOOLEAN values; RANGE bounds */
    char *str;         /* payload (verbatim: with its "fmt:"); prefix; regex source */
    size_t len;
    regex_t re;
    char vfmt[4];      /* verbatim REGEX: the "fmt:" the value must have */
    int unordered;     /* aggregates: elements match in any order */
    rh_pattern *elems; /* maps: key, value, key, value... */
    size_t count;
    rh_pattern *attribute;
};

/* Parses one pattern that spans all of text (surrounding blanks allowed).
 * Returns NULL and writes a reason (with the column) into err. */
rh_pattern *rh_pattern_parse(const char *text, size_t len, char *err, size_t errlen);
void rh_pattern_free(rh_pattern *p);

/* Non-zero when the pattern contains no matcher: it names one value. */
int rh_pattern_is_exact(const rh_pattern *p);

/* Non-zero when v matches p. */
int rh_pattern_match(const rh_pattern *p, const resp_value *v);

/* Compares two actual replies to each other, under p's normalisation:
 * where p has a matcher the two need only be of the same type (any:
 * anything), and unordered aggregates compare as multisets.  p may be
 * NULL: then the replies must be equal. */
int rh_pattern_same(const rh_pattern *p, const resp_value *a, const resp_value *b);

#endif /* RH_PATTERN_H */
