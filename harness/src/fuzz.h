/* harness/src/fuzz.h - respect fuzz: generated traffic sent to two live
 * servers, every difference confirmed, shrunk and written as a case. */
#ifndef RH_FUZZ_H
#define RH_FUZZ_H

/* The whole subcommand: argv[0] is "fuzz".  Returns the exit status:
 * 0 no difference, 1 differences, 2 usage or connection error. */
int rh_fuzz_main(int argc, char **argv);

#endif /* RH_FUZZ_H */
