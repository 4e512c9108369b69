#!/usr/bin/env bash
# mini-redis-server's throughput beside redis-server's, measured in the
# same run by redis-benchmark with the same settings: one line per test
# with both rates and their ratio (mini / redis; the goal is 0.9 or more).
#   bench/server_bench.sh MINI-REDIS-SERVER [REQUESTS] [PIPELINE]
# Each server runs alone while it is measured, so the two never share the
# machine's cores.
set -euo pipefail
mini=$1 requests=${2:-200000} pipeline=${3:-1}
tests=ping_mbulk,set,get,lpush,lpop,sadd,hset,zadd,lrange_100,lrange_600
here=$(cd "$(dirname "$0")" && pwd)
fixture=$here/../harness/ci/server-fixture
work=$(mktemp -d)
trap '"$fixture" stop "$work/s" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# Rates of one server: "TEST rate" lines, TEST upper case as redis-benchmark
# names it.
measure() {
  "$fixture" start "$1" "$2" "$work/s" >/dev/null
  redis-benchmark -p "$(cat "$work/s/port")" -t "$tests" -n "$requests" -P "$pipeline" -q 2>/dev/null |
    tr '\r' '\n' | grep -v 'needed to benchmark' |
    awk -F': ' '/requests per second/ {split($2, v, " "); print $1, v[1]}' |
    sed 's/ (first 100 elements)//; s/ (first 600 elements)//' >"$work/$1"
  "$fixture" stop "$work/s" >/dev/null
}
measure mini "$mini"
measure redis redis-server
printf '%-22s %14s %14s %7s   (redis-benchmark -n %s -P %s)\n' test mini/s redis/s ratio "$requests" "$pipeline"
join <(sort "$work/mini") <(sort "$work/redis") |
  awk '{printf "%-22s %14.0f %14.0f %7.2f\n", $1, $2, $3, $2 / $3}'
