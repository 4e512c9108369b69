#!/usr/bin/env python3
"""Mutation testing of mini-redis-server: how many single-line bugs the
conformance suite catches.  See ci/mutate for the command line.

Each mutant changes one place in one file of the server's core (or the
request parser), is built incrementally with ASan and UBSan in a copy of
the tree, and the
suite's mini-redis-server groups (ctest label `conformance`) run against
it.  A mutant is killed when the suite fails, survives when it passes,
timed out when ctest had to stop it, and did-not-compile when the build
failed.  A mutant the suite misses then meets the server's own tests (the
`unit` tests outside the harness, and the `server` label), for what a case
cannot reach (the command line, internals): failing there is "killed by a
test", counted as killed and shown apart.  Mutants listed in
ci/mutate-equivalent (reviewed: they change nothing observable) leave the
score:
    killed / (compiled - equivalent)."""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "build", "mutate")
SRC = os.path.join(WORK, "src")
# The mutants are built with ASan and UBSan: a leak or a write one byte
# too far is a bug the sanitizers report (the fixture's stop and the unit
# tests fail on it) even when every reply is right.  A new directory name,
# so an older unsanitized build is not reused.
BUILD = os.path.join(WORK, "build-asan")
RESULTS = os.path.join(WORK, "results.json")
EQUIVALENT = os.path.join(ROOT, "ci", "mutate-equivalent")

# The host (sockets, process) and the command metadata table are left out:
# the first is not what the suite is about, the second is data.
EXCLUDED = {"server/main.c", "server/net.c", "server/net_listen.c", "server/net_log.c",
            "server/command_table.c"}


# The tree mutants are drawn from: the working tree, or, when a run
# resumes, the copy it started with (so later edits change nothing).
TREE = ROOT


def default_files():
    files = sorted("server/" + f for f in os.listdir(os.path.join(TREE, "server"))
                   if f.endswith(".c"))
    return [f for f in files if f not in EXCLUDED] + ["resp/src/request.c"]


# ---- finding places to mutate ----

RELATIONAL = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
REL_RE = re.compile(r"(?<![<>=!\-])(<=|>=|==|!=|<|>)(?![<>=])")
LOGIC_RE = re.compile(r"&&|\|\|")
INT_RE = re.compile(r"(?<![\w.])(\d+)(?![\w.])")
ERRTEXT_RE = re.compile(r'"((?:ERR|WRONGTYPE|NOAUTH|EXECABORT|-)[^"\\]*(?:\\.[^"\\]*)*)"')
RETURN_RE = re.compile(r"^(\s*)return\s+([^;]+);\s*$")
CALL_RE = re.compile(r"^\s*[a-z_][\w]*(->[\w]+|\.[\w]+|\[[^\]]*\])*\s*(\(|=|\+=|-=|\|=|&=|\+\+|--)")
DECL_RE = re.compile(r"^\s*(const\s+|static\s+|unsigned\s+|struct\s+)*[a-z_]\w*\s+\**\s*[a-z_]\w*\s*(=|;|\[)")


def strip_strings(line):
    """The line with string and char literals blanked, so operators inside
    them are not taken for code."""
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', lambda m: " " * len(m.group(0)), line)


def code_lines(text):
    """(index, line) of lines that hold code: not comments, not the
    preprocessor, not inside a block comment."""
    in_comment = False
    for i, line in enumerate(text.split("\n")):
        s = line.strip()
        if in_comment:
            if "*/" in s:
                in_comment = False
            continue
        if s.startswith("/*"):
            in_comment = "*/" not in s
            continue
        if not s or s.startswith("//") or s.startswith("#") or s.startswith("*"):
            continue
        yield i, line


def sites(path):
    """Every mutation of one file: (line index, operator, new line)."""
    text = open(os.path.join(TREE, path)).read()
    out = []
    for i, line in code_lines(text):
        code = strip_strings(line.split("//")[0])
        if "/*" in code:
            code = code[:code.index("/*")]
        for m in REL_RE.finditer(code):
            new = line[:m.start()] + RELATIONAL[m.group(1)] + line[m.end():]
            out.append((i, "relational", new))
        for m in LOGIC_RE.finditer(code):
            new = line[:m.start()] + ("||" if m.group(0) == "&&" else "&&") + line[m.end():]
            out.append((i, "logical", new))
        for m in INT_RE.finditer(code):
            n = int(m.group(1))
            for d in (1, -1):
                if n + d < 0:
                    continue
                new = line[:m.start()] + str(n + d) + line[m.end():]
                out.append((i, "constant%+d" % d, new))
        for m in ERRTEXT_RE.finditer(line):
            body = m.group(1)
            if len(body) < 6:
                continue
            k = len(body) - 1
            altered = body[:k] + ("X" if body[k] != "X" else "Y")
            new = line[:m.start(1)] + altered + line[m.end(1):]
            out.append((i, "error-text", new))
        r = RETURN_RE.match(code)
        if r and r.group(2).strip() not in ("0", "NULL"):
            out.append((i, "return-0", r.group(1) + "return 0;"))
        s = code.rstrip()
        if s.endswith(";") and CALL_RE.match(code) and not DECL_RE.match(code) \
                and not s.lstrip().startswith(("return", "break", "continue", "goto")):
            indent = line[:len(line) - len(line.lstrip())]
            out.append((i, "delete", indent + ";"))
    return text, out


def mutant_id(path, original, op, new, twin=0):
    """Stable while the line's text stays; the same change of a line that
    appears again in the file (twin 1, 2, ...) gets an id of its own."""
    parts = (path, original.strip(), op, new.strip()) + ((str(twin),) if twin else ())
    h = hashlib.sha1("\0".join(parts).encode())
    return h.hexdigest()[:10]


def choose(files, seed, count):
    """count mutants drawn from every site of files, the same for a seed."""
    pool = []
    for path in files:
        text, ss = sites(path)
        lines = text.split("\n")
        seen = {}
        for i, op, new in ss:
            key = (lines[i].strip(), op, new.strip())
            twin = seen.get(key, 0)
            seen[key] = twin + 1
            pool.append({"file": path, "line": i + 1, "op": op, "original": lines[i],
                         "mutant": new, "id": mutant_id(path, lines[i], op, new, twin)})
    rng = random.Random(seed)
    picked = rng.sample(pool, min(count, len(pool)))
    return pool, picked


# ---- building and running ----

def sync_tree():
    """The tree as it is now (uncommitted changes included) into SRC."""
    os.makedirs(SRC, exist_ok=True)
    # Compared by content, written with the time of the copy: a file the
    # last run restored after mutating it has an object newer than the
    # working tree's edit, so a preserved timestamp would keep it stale.
    subprocess.run(["rsync", "-a", "--no-times", "--checksum", "--delete", "--exclude", "/build",
                    "--exclude", "/.git", ROOT + "/", SRC + "/"], check=True)
    if not os.path.isdir(BUILD):
        subprocess.run(["cmake", "-S", SRC, "-B", BUILD, "-G", "Ninja",
                        "-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG",
                        "-DRESPECT_SANITIZE=ON", "-DRESPECT_BENCH=OFF"],
                       check=True, stdout=subprocess.DEVNULL)


def build(jobs):
    r = subprocess.run(["cmake", "--build", BUILD, "-j", str(jobs), "--target",
                        "mini-redis-server", "respect"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode == 0, r.stdout


# A mutant that allocates without end would take the machine with it.
# ASan reserves terabytes of address space, so RLIMIT_AS cannot cap it:
# ASan's own limits do (a bigger allocation or resident set aborts the
# process, which the suite sees as a crash).  A unit test that loops stops
# itself after WATCHDOG seconds (tests/support/watchdog.c).
MEMORY_CAP_MB = 4096
WATCHDOG = 60


def test_env(extra=None):
    env = dict(os.environ,
               ASAN_OPTIONS="detect_leaks=1:max_allocation_size_mb=%d:hard_rss_limit_mb=%d"
               % (MEMORY_CAP_MB, MEMORY_CAP_MB),
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1",
               RESPECT_TEST_WATCHDOG=str(WATCHDOG))
    env.update(extra or {})
    return env


def ctest(args, timeout, jobs, env=None):
    """'killed', 'survived' or 'timeout', and ctest's output."""
    r = subprocess.run(["ctest", "--test-dir", BUILD, "-j", str(jobs), "--timeout", str(timeout),
                        "--output-on-failure"] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env=test_env(env))
    if r.returncode == 0:
        return "survived", r.stdout
    # ctest's own timeout means nothing in the harness noticed in time.
    if re.search(r"\*\*\*Timeout", r.stdout):
        return "timeout", r.stdout
    return "killed", r.stdout


def run_suite(timeout, jobs):
    # One failing case decides a mutant: each group stops at its first
    # failure (harness/ci/run-group passes RESPECT_RUN_ARGS to respect run).
    return ctest(["-L", "^conformance$"], timeout, jobs, {"RESPECT_RUN_ARGS": "--fail-fast"})


def run_own_tests(timeout, jobs):
    """The server's own tests: 'killed-by-test', 'survived' or 'timeout'."""
    r = subprocess.run(["cmake", "--build", BUILD, "-j", str(jobs)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        return "did-not-compile", r.stdout
    status, out = ctest(["-L", "^(unit|server)$", "-E", "^unit\\.harness\\."], timeout, jobs)
    return ("killed-by-test" if status == "killed" else status), out


def run_mutant(m, args):
    path = os.path.join(SRC, m["file"])
    original = open(path).read()
    lines = original.split("\n")
    lines[m["line"] - 1] = m["mutant"]
    try:
        open(path, "w").write("\n".join(lines))
        ok, out = build(args.jobs)
        if not ok:
            return "did-not-compile", out[-2000:]
        status, out = run_suite(args.timeout, args.jobs)
        if status == "survived":
            status, out = run_own_tests(args.timeout, args.jobs)
        return status, out[-3000:]
    finally:
        open(path, "w").write(original)


# ---- equivalents and the report ----

def load_equivalent():
    """id -> reason, from the reviewed file."""
    eq = {}
    if not os.path.exists(EQUIVALENT):
        return eq
    for n, line in enumerate(open(EQUIVALENT), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        m = re.match(r"^([0-9a-f]{10})\s+(\S+)\s+#\s*(.+)$", s)
        if not m:
            sys.exit("%s:%d: want 'ID FILE # reason'" % (EQUIVALENT, n))
        eq[m.group(1)] = m.group(3)
    return eq


def diff_text(m):
    return "--- %s:%d (%s, %s)\n-%s\n+%s" % (m["file"], m["line"], m["op"], m["id"],
                                             m["original"], m["mutant"])


def report(results, eq):
    per = {}
    for m in results:
        f = per.setdefault(m["file"], {"killed": 0, "killed-by-test": 0, "survived": 0,
                                       "timeout": 0, "did-not-compile": 0, "equivalent": 0})
        status = "equivalent" if m["status"] == "survived" and m["id"] in eq else m["status"]
        f[status] += 1
    row = "%-26s %7s %7s %8s %7s %10s %9s %6s"
    print(row % ("file", "killed", "by-test", "survived", "timeout", "equivalent", "no-build",
                 "score"))
    tot = {"killed": 0, "killed-by-test": 0, "survived": 0, "timeout": 0, "did-not-compile": 0,
           "equivalent": 0}
    for f in sorted(per) + ["all"]:
        c = tot if f == "all" else per[f]
        if f != "all":
            for k in tot:
                tot[k] += c[k]
        print(row % (f, c["killed"], c["killed-by-test"], c["survived"], c["timeout"],
                     c["equivalent"], c["did-not-compile"], score_text(c)))
    return tot


def score_text(c):
    """killed (by the suite or a test) / (compiled - equivalent)."""
    killed = c["killed"] + c["killed-by-test"]
    denom = killed + c["survived"] + c["timeout"]
    return "%.1f%%" % (100.0 * killed / denom) if denom else "-"


def list_survivors(results, eq):
    for m in results:
        if m["status"] in ("survived", "timeout") and m["id"] not in eq:
            print(m["status"].upper())
            print(diff_text(m))
            print()


def main():
    ap = argparse.ArgumentParser(prog="ci/mutate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--files", help="comma-separated paths (default: the server's core and "
                    "resp/src/request.c)")
    ap.add_argument("--timeout", type=int, default=120, help="seconds per conformance group")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--ids", help="comma-separated mutant ids to run (instead of a sample)")
    ap.add_argument("--rerun", action="store_true",
                    help="run the last run's survivors and timeouts again (after new cases)")
    ap.add_argument("--resume", action="store_true",
                    help="go on with the last seeded run where it stopped, on the copy of "
                    "the tree it started with")
    ap.add_argument("--list", action="store_true", help="the survivors of the last run")
    ap.add_argument("--sites", action="store_true", help="count the places that can mutate")
    args = ap.parse_args()
    eq = load_equivalent()
    if args.list:
        if not os.path.exists(RESULTS):
            sys.exit("ci/mutate: no run yet (%s)" % RESULTS)
        results = json.load(open(RESULTS))["mutants"]
        report(results, eq)
        print()
        list_survivors(results, eq)
        return 0
    done = []
    if args.resume:
        global TREE
        if not os.path.exists(RESULTS):
            sys.exit("ci/mutate: no run to resume (%s)" % RESULTS)
        last = json.load(open(RESULTS))
        if last.get("seed") is None:
            sys.exit("ci/mutate: the last run was not a seeded sample; nothing to resume")
        TREE = SRC
        args.seed, args.count = last["seed"], last.get("count", args.count)
        args.files = ",".join(last["files"])
        done = last["mutants"]
    files = args.files.split(",") if args.files else default_files()
    for f in files:
        if not os.path.exists(os.path.join(TREE, f)):
            sys.exit("ci/mutate: %s: no such file" % f)
    if args.rerun:
        if not os.path.exists(RESULTS):
            sys.exit("ci/mutate: no run yet (%s)" % RESULTS)
        last = json.load(open(RESULTS))["mutants"]
        args.ids = ",".join(m["id"] for m in last if m["status"] in ("survived", "timeout"))
        files = sorted(set(m["file"] for m in last))
    pool, picked = choose(files, args.seed, args.count)
    if args.ids is not None:
        want = [i for i in args.ids.split(",") if i]
        by_id = {m["id"]: m for m in pool}
        missing = [i for i in want if i not in by_id]
        if missing:
            sys.exit("ci/mutate: no such mutant now (its line changed?): " + ", ".join(missing))
        picked = [by_id[i] for i in want]
    if args.sites:
        print("%d places to mutate in %d files" % (len(pool), len(files)))
        return 0
    what = "chosen by id" if args.ids is not None else "seed %d" % args.seed
    print("ci/mutate: %s, %d mutants of %d places in %d files" %
          (what, len(picked), len(pool), len(files)), flush=True)
    if args.resume:
        ids = set(m["id"] for m in done)
        print("ci/mutate: resuming: %d done, %d to go" %
              (len(done), sum(1 for m in picked if m["id"] not in ids)), flush=True)
        picked = [m for m in picked if m["id"] not in ids]
    else:
        sync_tree()
    ok, out = build(args.jobs)
    if not ok:
        sys.exit("ci/mutate: the unmutated tree does not build:\n" + out[-2000:])
    status, out = run_suite(args.timeout, args.jobs)
    if status != "survived":
        sys.exit("ci/mutate: the suite fails on the unmutated server:\n" + out[-3000:])
    results = list(done)
    total = len(done) + len(picked)
    start = time.time()
    for n, m in enumerate(picked, len(done) + 1):
        t0 = time.time()
        m["status"], m["output"] = run_mutant(m, args)
        m["seconds"] = round(time.time() - t0, 1)
        results.append(m)
        print("[%d/%d] %-15s %s:%d %s (%.0f s)" % (n, total, m["status"], m["file"],
                                                  m["line"], m["op"], m["seconds"]), flush=True)
        json.dump({"seed": None if args.ids is not None else args.seed, "count": args.count,
                   "files": files, "mutants": results}, open(RESULTS, "w"), indent=1)
    build(args.jobs)  # back to the unmutated binaries
    print("\nci/mutate: %d mutants in %.0f s\n" % (len(results), time.time() - start))
    report(results, eq)
    print()
    list_survivors(results, eq)
    return 0


if __name__ == "__main__":
    sys.exit(main())
