/* server/glob.c - Redis 7.0's glob matching (stringmatchlen), byte for
 * byte, including what it does with malformed patterns:
 *
 * - `*` matches any run of bytes; consecutive stars count as one.
 * - `?` matches one byte.
 * - `[...]` matches one byte from a set; `[^...]` the complement.  Inside,
 *   `\x` is the byte x (compared exactly, even when nocase), `a-z` a range
 *   (a reversed range `z-a` means a-z), anything else itself.  A `]` right
 *   after `[` or `[^` closes an empty set.  A range consumes its end byte
 *   even when that byte is `]`, so `[a-]` does not close.  A set left open
 *   runs to the end of the pattern (`[ab` is `[ab]`, `[^` matches any
 *   byte, `[` alone matches nothing).
 * - `\x` outside a set is the byte x; a `\` ending the pattern matches a
 *   backslash.
 * - An empty string is matched only by the empty pattern: Redis never
 *   enters its loop for it, so even `*` does not match "" (KEYS * and
 *   SCAN without MATCH do not call the matcher at all).
 * - Bytes are compared as signed chars, as Redis does on x86: in a range
 *   bytes 0x80-0xff sort below 0x00, so [a-\xff] holds 0x00-0x61 and 0xff
 *   but not 0x80-0xfe.  nocase folds ASCII letters only.
 *
 * Redis recurses at every star.  Because each element other than `*`
 * matches exactly one byte, going back to the most recent star is enough
 * (a later star can absorb whatever an earlier one would have), so this
 * matcher is iterative: O(pattern x string) at worst, no recursion, no
 * blowup on `a*a*a*a*a*b`, same answers. */
#include "glob.h"

#include <stdint.h>

/* A byte as Redis sees it through a signed char. */
static int sbyte(char c) {
    int v = (unsigned char)c;
    return v >= 128 ? v - 256 : v;
}

/* tolower() in the C locale: ASCII letters only, other values unchanged. */
static int lower(int c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Matches the set starting at p[*pi] == '[' against c; leaves *pi just
 * past the set (or at plen when it is left open). */
static int match_set(const char *p, size_t plen, size_t *pi, char c, int nocase) {
    size_t i = *pi + 1;
    int negate = 0, match = 0;
    if (i < plen && p[i] == '^') {
        negate = 1;
        i++;
    }
    for (;;) {
        if (i >= plen) {
            *pi = plen;
            break;
        }
        if (p[i] == '\\' && plen - i >= 2) {
            i++;
            if (p[i] == c) match = 1;
        } else if (p[i] == ']') {
            *pi = i + 1;
            break;
        } else if (plen - i >= 3 && p[i + 1] == '-') {
            int start = sbyte(p[i]), end = sbyte(p[i + 2]), ch = sbyte(c);
            if (start > end) {
                int t = start;
                start = end;
                end = t;
            }
            if (nocase) {
                start = lower(start);
                end = lower(end);
                ch = lower(ch);
            }
            if (ch >= start && ch <= end) match = 1;
            i += 2;
        } else if (nocase ? lower(sbyte(p[i])) == lower(sbyte(c)) : p[i] == c) {
            match = 1;
        }
        i++;
    }
    return negate ? !match : match;
}

/* Matches the element at p[*pi] (anything but '*') against c and moves
 * *pi past it.  How far the element reaches never depends on c. */
static int match_one(const char *p, size_t plen, size_t *pi, char c, int nocase) {
    size_t i = *pi;
    switch (p[i]) {
    case '?':
        *pi = i + 1;
        return 1;
    case '[':
        return match_set(p, plen, pi, c, nocase);
    case '\\':
        if (plen - i >= 2) i++;
        break;
    default:
        break;
    }
    *pi = i + 1;
    return nocase ? lower(sbyte(p[i])) == lower(sbyte(c)) : p[i] == c;
}

int mr_glob_match(const char *pattern, size_t plen, const char *string, size_t slen, int nocase) {
    if (slen == 0) return plen == 0;
    size_t pi = 0, si = 0;
    /* The element after the last star seen, and where in the string the
     * star's match currently ends. */
    size_t star_pi = SIZE_MAX, star_si = 0;
    while (si < slen) {
        if (pi < plen && pattern[pi] == '*') {
            while (pi < plen && pattern[pi] == '*') pi++;
            if (pi == plen) return 1;
            star_pi = pi;
            star_si = si;
            continue;
        }
        if (pi < plen) {
            size_t next = pi;
            if (match_one(pattern, plen, &next, string[si], nocase)) {
                pi = next;
                si++;
                continue;
            }
        }
        if (star_pi == SIZE_MAX) return 0;
        /* Let the last star take one more byte and retry from there. */
        pi = star_pi;
        si = ++star_si;
    }
    while (pi < plen && pattern[pi] == '*') pi++;
    return pi == plen;
}
