#!/usr/bin/env bash
# Benchmarks at scale: fleets of 100 roles and 1,000 flows from gen-fleet.sh,
# every command that reads the whole fleet, with wall time, peak memory and CPU time (user +
# system; /usr/bin/time -v). The targets are wall times on 2 free cores.
#   at 100,000 hosts: test (without and with test blocks), verify --all, diff of two versions,
#     audit export --all --format json:
#     < 10 s and < 1.5 GB each;  check and compile --host: < 1 s
#   verify --all --matrix at 2,000 hosts (the issue's row) and at 100,000: < 10 s, < 1.5 GB
#   at 1,000,000 hosts: check < 5 s (only check: the fleet takes a while to generate)
# A command still running after LIMIT seconds (default 120) is killed and shown as such.
# usage: bench-scale.sh FWCTL [HOSTS...]   (default sizes: 10000 100000; 1000000 for check)
set -euo pipefail
fwctl=${1:?usage: bench-scale.sh FWCTL [HOSTS...]}
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000)
limit=${LIMIT:-120}
dir=$(mktemp -d /tmp/fwctl-bench-scale.XXXXXX)
trap 'rm -rf "$dir"' EXIT
: > "$dir/apply-log.jsonl"
here=$(cd "$(dirname "$0")" && pwd)

measure() {   # label, target seconds, target MB, expected exit statuses (a|b), command...
  local label=$1 tsec=$2 tmb=$3 ok=$4; shift 4
  local status=0
  /usr/bin/time -v -o "$dir/time" timeout "$limit" "$@" > "$dir/out" 2> "$dir/err" || status=$?
  local secs kb cpu
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$dir/time")
  # CPU time (user + system): what the command costs when other work shares the cores.
  cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$dir/time")
  kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$dir/time")
  local mb=$((kb / 1024)) verdict=ok
  if [ "$status" = 124 ]; then verdict="KILLED after ${limit} s"
  elif ! [[ "|$ok|" == *"|$status|"* ]]; then verdict="exit $status: $(head -c 200 "$dir/err")"
  else
    awk -v s="$secs" -v t="$tsec" 'BEGIN { exit !(s <= t) }' || verdict=SLOW
    [ "$tmb" = - ] || [ "$mb" -le "$tmb" ] || verdict="$verdict/BIG"
  fi
  printf '%-46s %8.2f s %6d MB  cpu %6.2f s   (target %s s%s)  %s\n' "$label" "$secs" "$mb" "$cpu" "$tsec" "$([ "$tmb" = - ] || echo ", $tmb MB")" "$verdict"
}

for n in "${sizes[@]}"; do
  "$here/gen-fleet.sh" "$n" 100 1000 > "$dir/fleet.policy"
  # A second version: r5's flows gain r77 as a destination.
  sed 's/^allow r5 -> /allow r5 -> r77, /' "$dir/fleet.policy" > "$dir/new.policy"
  # The same fleet with a test block of expectations over whole roles and the whole fleet.
  "$here/gen-fleet.sh" "$n" 100 1000 tests > "$dir/tests.policy"
  h=$(echo "$n" | sed -E ':a; s/([0-9])([0-9]{3})($|,)/\1,\2\3/; ta')
  echo "== $h hosts, 100 roles, 1,000 flows ($(($(wc -c < "$dir/fleet.policy") / 1048576)) MB of policy)"
  measure "check ($h)" 1 1536 0 "$fwctl" check --policy "$dir/fleet.policy"
  measure "compile --host ($h)" 1 1536 0 "$fwctl" compile --policy "$dir/fleet.policy" --host h4321
  measure "test, no test blocks ($h)" 10 1536 0 "$fwctl" test --policy "$dir/fleet.policy"
  measure "test, with test blocks ($h)" 10 1536 0 "$fwctl" test --policy "$dir/tests.policy"
  measure "verify --all ($h)" 10 1536 "0|2" "$fwctl" verify --policy "$dir/fleet.policy" --all
  measure "diff X X ($h)" 10 1536 0 "$fwctl" diff "$dir/fleet.policy" "$dir/fleet.policy"
  measure "diff of two versions ($h)" 10 1536 2 "$fwctl" diff "$dir/fleet.policy" "$dir/new.policy"
  measure "audit export --all --format json ($h)" 10 1536 0 "$fwctl" audit export --policy "$dir/fleet.policy" --all --format json --log "$dir/apply-log.jsonl"
  measure "verify --all --matrix ($h)" 10 1536 "0|2" "$fwctl" verify --policy "$dir/fleet.policy" --all --matrix
done

"$here/gen-fleet.sh" 2000 100 1000 > "$dir/fleet.policy"
echo "== 2,000 hosts"
measure "verify --all --matrix (2,000)" 10 1536 "0|2" "$fwctl" verify --policy "$dir/fleet.policy" --all --matrix

if [ -z "${SKIP_MILLION:-}" ]; then
  "$here/gen-fleet.sh" 1000000 100 1000 > "$dir/fleet.policy"
  echo "== 1,000,000 hosts"
  measure "check (1,000,000)" 5 - 0 "$fwctl" check --policy "$dir/fleet.policy"
fi
