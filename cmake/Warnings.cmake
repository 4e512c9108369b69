# Warnings applied to the project's own targets through respect_warnings.
# Each flag is here for a reason:
#   -Wall -Wextra -Wpedantic   the baseline, and ISO C11 conformance
#   -Wshadow                   an inner name hiding an outer one hides bugs
#   -Wstrict-prototypes        `f()` in C means "any arguments"
#   -Wmissing-prototypes       every non-static function has a declaration,
#                              so public functions live in headers
#   -Wold-style-definition     K&R definitions bypass argument checks
#   -Wcast-qual                casting const away lets a parser write input
#   -Wwrite-strings            string literals are const
#   -Wpointer-arith            no arithmetic on void *
#   -Wvla                      no stack buffers sized by input
#   -Wformat=2                 printf-family arguments and non-literal formats
#   -Wundef                    #if on an undefined macro is a typo
#   -Wimplicit-fallthrough     every switch fallthrough is deliberate
#   -Wdouble-promotion         float silently widened in hot paths
#   -Wmissing-declarations     (same aim as -Wmissing-prototypes)
#   -Wnull-dereference         flow-based null checks (gcc and clang)
add_library(respect_warnings INTERFACE)
target_compile_options(respect_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wold-style-definition -Wcast-qual -Wwrite-strings -Wpointer-arith -Wvla
  -Wformat=2 -Wundef -Wimplicit-fallthrough -Wdouble-promotion
  -Wmissing-declarations -Wnull-dereference)
if(RESPECT_WERROR)
  target_compile_options(respect_warnings INTERFACE -Werror)
endif()
