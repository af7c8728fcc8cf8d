#!/usr/bin/env bash
# Benchmarks (issue targets): a 10,000-host fleet in 100 roles with 1,000 flows.
#   check + compile one host: < 0.3 s and < 200 MB;  compile all hosts to a directory: < 15 s.
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
