#!/usr/bin/env bash
# respect's command line for a new user: every --help and -h prints usage
# on stdout and exits 0; --version prints the project's version; an
# unreachable server is one line on stderr and exit 2 before any case
# runs; usage errors are exit 2.
set -uo pipefail
respect=$1 version=$2
cases=$(cd "$(dirname "$0")/../../harness/cases" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0
fail() { echo "BAD  $*"; bad=1; }

# ARGS...: exit 0, usage on stdout with the exit statuses, nothing on stderr.
check_help() {
  "$respect" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc -eq 0 ] && head -n 1 "$work/out" | grep -q '^usage: respect' &&
    grep -qi 'exit status' "$work/out" && [ ! -s "$work/err" ]; then
    echo "ok   respect $*"
  else
    fail "respect $*: exit $rc, stdout: $(head -n 1 "$work/out"), stderr: $(cat "$work/err")"
  fi
}

check_help --help
check_help -h
for cmd in run diff record table list fuzz; do
  check_help "$cmd" --help
  check_help "$cmd" -h
done
check_help run --server 127.0.0.1:1 --help "$cases"

out=$("$respect" --version 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$out" = "respect $version" ] && echo "ok   --version: $out" ||
  fail "--version: exit $rc, '$out', wanted 'respect $version'"

# A port nothing listens on.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
want="respect: cannot connect to 127.0.0.1:$port: Connection refused"
check_unreachable() { # ARGS...
  "$respect" "$@" "$cases" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc -eq 2 ] && [ "$(cat "$work/err")" = "$want" ] && [ ! -s "$work/out" ]; then
    echo "ok   $1 to a closed port: exit 2, one line"
  else
    fail "$1 to a closed port: exit $rc, stdout $(wc -l <"$work/out") lines, stderr: $(cat "$work/err")"
  fi
}
check_unreachable run --server "127.0.0.1:$port"
check_unreachable record --server "127.0.0.1:$port"
check_unreachable diff --a "127.0.0.1:$port" --b "127.0.0.1:$port"
echo "$port" >"$work/port"
check_unreachable run --server "@$work/port"

# Usage errors: exit 2 with one line, which points to the help.
check_usage() { # WANT-TEXT ARGS...
  local text=$1
  shift
  "$respect" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$text" "$work/err" && [ ! -s "$work/out" ]; then
    echo "ok   respect $*: exit 2, '$(head -n 1 "$work/err")'"
  else
    fail "respect $*: exit $rc, stderr: $(cat "$work/err")"
  fi
}
check_usage "usage: respect COMMAND"
check_usage "unknown command 'bogus'" bogus
check_usage "run needs --server" run "$cases"
check_usage "run needs case files" run --server 127.0.0.1:1
check_usage "unknown option --bogus (see respect run --help)" run --bogus
check_usage "--html is not an option of respect run" run --html --server 1 "$cases"
check_usage "table needs result files" table --html
[ $bad -eq 0 ]
