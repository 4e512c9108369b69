#!/usr/bin/env bash
# respect fuzz's throughput: commands compared per second against two live
# local servers (mini-redis-server and redis-server), for one seed and for
# as many seeds in parallel as the machine has cores.  The anchor, measured
# in the same run, is redis-benchmark's pipelined PING rate on the same
# redis-server: the ratio says how much of what the reference can answer
# the fuzzer uses, with every reply read twice and compared.
#   bench/fuzz_bench.sh RESPECT MINI-REDIS-SERVER [COMMANDS]
set -euo pipefail
respect=$1 mini=$2 commands=${3:-300000}
here=$(cd "$(dirname "$0")" && pwd)
fixture=$here/../harness/ci/server-fixture
work=$(mktemp -d)
trap '"$fixture" stop "$work/a" >/dev/null 2>&1; "$fixture" stop "$work/b" >/dev/null 2>&1; rm -rf "$work"' EXIT
"$fixture" start mini "$mini" "$work/a" >/dev/null
"$fixture" start redis redis-server "$work/b" >/dev/null
a=127.0.0.1:$(cat "$work/a/port") b=127.0.0.1:$(cat "$work/b/port")
anchor=$(redis-benchmark -p "${b##*:}" -t ping -n 2000000 -P 16 -q 2>/dev/null | tr '\r' '\n' |
         awk '/^PING_MBULK/ {v = int($2)} END {print v}')
cores=$(nproc)
for jobs in 1 "$cores"; do
  "$respect" fuzz --a "$a" --b "$b" --seed 1 -j "$jobs" --commands "$commands" --allow-flush \
    --json "$work/j$jobs.json" >/dev/null 2>&1 || true
  rate=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(d["commands"]/d["seconds"]))' "$work/j$jobs.json")
  total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["commands"])' "$work/j$jobs.json")
  printf 'respect fuzz -j %s: %s commands, %s commands/s (%.3f of redis-benchmark PING -P 16: %s/s)\n' \
    "$jobs" "$total" "$rate" "$(python3 -c "print($rate/$anchor)")" "$anchor"
done
