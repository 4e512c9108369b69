#!/usr/bin/env bash
# A server that stops answering mid-run: `respect run` against
# mini-redis-server, which is stopped (SIGSTOP: it hangs) or killed
# (SIGKILL: it crashed) once the run is under way.  The run must end with
# exit status 2 and one line naming the case where it stopped, report the
# runs left as not run (never as passed), and finish in a few reply
# timeouts, not one per case left.  A server that hangs before the run is
# one line and exit 2 before any case runs.
set -uo pipefail
respect=$1 server=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$here/../..
fixture=$root/harness/ci/server-fixture
work=$(mktemp -d)
trap 'for d in "$work"/s-*; do kill -CONT "$(cat "$d/pid" 2>/dev/null)" 2>/dev/null; "$fixture" stop "$d" >/dev/null; done; rm -rf "$work"' EXIT
timeout_ms=1000
bad=0
say() { echo "$@"; }
fail() { echo "BAD  $*"; bad=1; }

# Waits until the server at port has accepted n connections.
wait_connections() {
  python3 - "$1" "$2" <<'PY'
import socket, sys, time
port, want = int(sys.argv[1]), int(sys.argv[2])
deadline = time.time() + 60
while time.time() < deadline:
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    s.sendall(b"INFO stats\r\n")
    data = b""
    while b"total_connections_received:" not in data or not data.endswith(b"\r\n"):
        data += s.recv(65536)
    s.close()
    got = int(data.split(b"total_connections_received:")[1].split(b"\r\n")[0])
    if got >= want:
        sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
PY
}

check_stop() { # SIGNAL
  local sig=$1 dir=$work/s-$1
  "$fixture" start mini "$server" "$dir" >/dev/null || { fail "$sig: no server"; return; }
  local port pid
  port=$(cat "$dir/port") pid=$(cat "$dir/pid")
  local start=$SECONDS
  timeout 120 "$respect" run --server "127.0.0.1:$port" --allow-flush --timeout $timeout_ms -j 4 \
    --json "$dir/results.json" --junit "$dir/junit.xml" "$root/harness/cases" \
    >"$dir/out" 2>"$dir/err" &
  local run=$!
  wait_connections "$port" 300 || fail "$sig: the run never got going"
  kill "-$sig" "$pid"
  wait $run
  local rc=$? took=$((SECONDS - start))
  local last
  last=$(tail -n 1 "$dir/err")
  local want="^respect: stopped at [a-z0-9-]+/[^ ]+ \[RESP[23]\]: "
  case $sig in
  STOP) want+="127\.0\.0\.1:$port does not answer PING within $timeout_ms ms" ;;
  # Killed while the probe's connection was in the backlog: closed unanswered.
  KILL) want+="(cannot connect to 127\.0\.0\.1:$port: Connection refused|127\.0\.0\.1:$port closes a new connection without answering PING)" ;;
  esac
  want+="; [0-9]+ runs not run$"
  local not_run marked
  not_run=$(grep -c '"status": "not-run"' "$dir/results.json")
  marked=$(grep '"status": "not-run"' "$dir/results.json" |
    grep -c '"message": "not run: the run stopped at ')
  [ $rc -eq 2 ] || fail "$sig: exit $rc, wanted 2"
  [[ $last =~ $want ]] || fail "$sig: last line on stderr: '$last'"
  [ "$took" -lt 20 ] || fail "$sig: took $took s (reply timeout $timeout_ms ms)"
  [ "$not_run" -gt 100 ] || fail "$sig: only $not_run runs reported as not run"
  [ "$marked" -eq "$not_run" ] || fail "$sig: $((not_run - marked)) not-run results do not say why"
  grep -q ", $not_run not run (stopped at " "$dir/out" || fail "$sig: the summary lacks '$not_run not run'"
  grep -q "<skipped message=\"not run\">" "$dir/junit.xml" || fail "$sig: JUnit lacks the runs not run"
  [ $bad -eq 0 ] && say "ok   $sig after 300 connections: exit 2 in $took s, $not_run runs not run; $last"
  kill -CONT "$pid" 2>/dev/null
  "$fixture" stop "$dir" >/dev/null
}

check_hung_before() {
  local dir=$work/s-hung
  "$fixture" start mini "$server" "$dir" >/dev/null || { fail "hung: no server"; return; }
  local port pid
  port=$(cat "$dir/port") pid=$(cat "$dir/pid")
  kill -STOP "$pid"
  "$respect" run --server "127.0.0.1:$port" --timeout $timeout_ms "$root/harness/cases" \
    >"$dir/out" 2>"$dir/err"
  local rc=$?
  local want="respect: 127.0.0.1:$port does not answer PING within $timeout_ms ms"
  if [ $rc -eq 2 ] && [ "$(cat "$dir/err")" = "$want" ] && [ ! -s "$dir/out" ]; then
    say "ok   hung before the run: exit 2, '$want'"
  else
    fail "hung before the run: exit $rc, stdout $(wc -c <"$dir/out") bytes, stderr: $(cat "$dir/err")"
  fi
  kill -CONT "$pid"
  "$fixture" stop "$dir" >/dev/null
}

# --fail-fast: the first failed run stops the run; the rest are not run,
# and the exit status is 1 (a failure, not a usage error).
check_fail_fast() {
  local dir=$work/s-fast
  "$fixture" start mini "$server" "$dir" >/dev/null || { fail "fail-fast: no server"; return; }
  mkdir -p "$dir/cases/ff"
  {
    printf 'case a-fails\n  desc: fails\n  proto: 2\n  > PING\n  < +"NOT PONG"\n\n'
    for n in 1 2 3 4 5; do
      printf 'case b-passes-%s\n  desc: passes\n  proto: 2\n  > PING\n  < +"PONG"\n\n' "$n"
    done
  } >"$dir/cases/ff/ff.case"
  "$respect" run --server "@$dir/port" --fail-fast -j 1 --json "$dir/results.json" \
    "$dir/cases" >"$dir/out" 2>"$dir/err"
  local rc=$? last not_run
  last=$(tail -n 1 "$dir/err")
  not_run=$(grep -c '"status": "not-run"' "$dir/results.json")
  local want="respect: stopped at ff/a-fails [RESP2]: --fail-fast: stopped at the first failure; 5 runs not run"
  if [ $rc -eq 1 ] && [ "$last" = "$want" ] && [ "$not_run" -eq 5 ]; then
    say "ok   --fail-fast: exit 1, $not_run runs not run; $last"
  else
    fail "--fail-fast: exit $rc, $not_run not run, last line '$last'"
  fi
  "$fixture" stop "$dir" >/dev/null
}

check_stop STOP
check_stop KILL
check_hung_before
check_fail_fast
[ $bad -eq 0 ]
