#!/usr/bin/env bash
# `respect record` against a real redis-server: a case file of sends and
# stale expectations must come out exactly as record/expected.case, and
# the recorded file must then pass `respect run`.
set -uo pipefail
respect=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/one_redis.sh"
start_redis
mkdir -p "$work/cases/record"
cp "$here/record/input.case" "$work/cases/record/x.case"
"$respect" record --server "127.0.0.1:$port" "$work/cases/record/x.case" || exit 1
if ! diff -u "$here/record/expected.case" "$work/cases/record/x.case"; then
  echo "recorded file differs from record/expected.case (above)"
  exit 1
fi
# Recording again changes nothing.
cp "$work/cases/record/x.case" "$work/first.case"
"$respect" record --server "127.0.0.1:$port" "$work/cases/record/x.case" >/dev/null || exit 1
cmp -s "$work/first.case" "$work/cases/record/x.case" || { echo "second record changed the file"; exit 1; }
"$respect" run --server "127.0.0.1:$port" "$work/cases/record/x.case" || exit 1
echo "record: expected output, idempotent, and the result passes"
# Before recording, a case of sends only must not pass `respect run`: it
# would pass whatever the server replied.
printf 'case sends-only\n  desc: nothing recorded yet\n  > PING\n' >"$work/cases/record/y.case"
out=$("$respect" run --server "127.0.0.1:$port" "$work/cases/record/y.case" 2>&1)
if [ $? -ne 1 ] || ! grep -q "expects nothing under RESP2" <<<"$out"; then
  echo "a case that expects nothing was not refused: $out"
  exit 1
fi
echo "run: a case that expects nothing fails"
