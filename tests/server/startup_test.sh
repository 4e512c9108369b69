#!/usr/bin/env bash
# mini-redis-server's startup errors, beside redis-server's: the same exit
# status and message, and never a crash.
#   startup_test.sh MINI-REDIS-SERVER
set -u
mini=$1
failures=0
bad() { echo "FAIL $*"; failures=$((failures + 1)); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== a port already in use"
port=$(free_port)
python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0",int(sys.argv[1]))); s.listen(); print("ready", flush=True); time.sleep(30)' "$port" >/tmp/startup_holder.$$ &
holder=$!
trap 'kill $holder 2>/dev/null; rm -f /tmp/startup_holder.$$' EXIT
for _ in $(seq 50); do grep -q ready /tmp/startup_holder.$$ && break; sleep 0.1; done
out=$(timeout 10 "$mini" --port "$port" 2>&1)
rc=$?
if [ $rc -ne 1 ]; then bad "mini-redis-server on a busy port exited $rc, wanted 1 (as redis-server)"; fi
grep -q "Failed listening on port $port (TCP), aborting." <<<"$out" ||
  bad "no 'Failed listening on port $port (TCP), aborting.' line: $out"
[ $rc -eq 1 ] && echo "ok   exit 1 with: $(grep -o 'Failed listening.*' <<<"$out")"

echo "$failures check(s) went wrong"
[ $failures -eq 0 ]
