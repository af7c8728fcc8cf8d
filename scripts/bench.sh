#!/usr/bin/env bash
# Benchmarks with their targets: a 10,000-host fleet in 100 roles with 1,000 flows.
#   check + compile one host: < 0.3 s and < 200 MB;  compile all hosts to a directory: < 15 s.
# Then the verifier's: `fwctl diff` of two versions of a 2,000-host fleet in 100 roles: < 1 s.
set -euo pipefail
fwctl=${1:?usage: bench.sh FWCTL}
dir=$(mktemp -d /tmp/fwctl-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
"$here/gen-fleet.sh" 10000 100 1000 > "$dir/fleet.policy"
echo "fleet: $(grep -c '^  host' "$dir/fleet.policy") hosts, $(grep -c '^role' "$dir/fleet.policy") roles, $(grep -c '^allow' "$dir/fleet.policy") flows, $(wc -c < "$dir/fleet.policy") bytes"

measure() {   # label, target seconds, target MB, command...
  local label=$1 tsec=$2 tmb=$3; shift 3
  /usr/bin/time -f '%e %M' -o "$dir/time" "$@" > /dev/null
  read -r secs kb < "$dir/time"
  local mb=$((kb / 1024))
  local verdict=ok
  awk -v s="$secs" -v t="$tsec" 'BEGIN { exit !(s <= t) }' || verdict=SLOW
  [ "$tmb" = - ] || [ "$mb" -le "$tmb" ] || verdict="$verdict/BIG"
  printf '%-40s %7.3f s %6d MB   (target %s s%s)  %s\n' "$label" "$secs" "$mb" "$tsec" "$([ "$tmb" = - ] || echo ", $tmb MB")" "$verdict"
}
measure "check" 0.3 200 "$fwctl" check --policy "$dir/fleet.policy"
measure "check + compile one host" 0.3 200 "$fwctl" compile --policy "$dir/fleet.policy" --host h4321
measure "compile all 10,000 hosts to a directory" 15 - "$fwctl" compile --policy "$dir/fleet.policy" --all -o "$dir/out"
echo "wrote $(ls "$dir/out" | wc -l) files, $(du -sh "$dir/out" | cut -f1)"

# fwctl diff: r5's flows gain r77 as a destination (30 rows); exit status 2 means "they differ".
"$here/gen-fleet.sh" 2000 100 1000 > "$dir/old.policy"
sed 's/^allow r5 -> /allow r5 -> r77, /' "$dir/old.policy" > "$dir/new.policy"
measure "diff of two 2,000-host versions" 1 - sh -c '"$0" diff "$1" "$2"; test $? -eq 2' "$fwctl" "$dir/old.policy" "$dir/new.policy"
