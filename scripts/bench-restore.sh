#!/usr/bin/env bash
# `fwctl restore` at boot against `nft -f` of the same table, side by side in one run, in
# throwaway network namespaces: the benchmark table of scripts/bench-apply.sh (4 interval
# sets x 25,000 IPv4 addresses, 200 rules). fwctl applies it once (keeping it as the
# confirmed table); then each run starts from an empty kernel, as at boot, with loopback
# down: `fwctl restore` (state directory only, no policy read) and `nft -f` of the nft text.
# Each figure is the best of 3 runs.
set -euo pipefail
fwctl=${1:?usage: bench-restore.sh FWCTL}
[ "$(id -u)" = 0 ] || { echo "bench-restore: needs root (network namespace); skipped"; exit 0; }
dir=$(mktemp -d /tmp/fwctl-bench-restore.XXXXXX)
ns="fwctl-bench-restore-$$-$RANDOM"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
ip netns add "$ns"
in_ns() { ip netns exec "$ns" "$@"; }

# The table of scripts/bench-apply.sh.
awk 'BEGIN {
  print "role target { host t = 192.0.2.1 }"
  for (f = 0; f < 200; f++) printf "allow r%d -> target : tcp/%d\n", f % 4, 10000 + f
  for (r = 0; r < 4; r++) {
    printf "role r%d {\n", r
    for (i = 0; i < 25000; i++) printf "  host r%dh%d = 10.%d.%d.%d\n", r, i, 64 + r * 2, int(i / 256) % 256, i % 256
    print "}"
  }
}' > "$dir/fleet.policy"
"$fwctl" compile --policy "$dir/fleet.policy" --host t > "$dir/table.nft"
in_ns "$fwctl" apply --policy "$dir/fleet.policy" --host t --state-dir "$dir/state" --yes --no-confirm > /dev/null
in_ns nft list table inet fwctl > "$dir/applied.txt"
# A policy path that does not exist: restore must not need it.
restore=(in_ns "$fwctl" restore --policy "$dir/absent" --host t --state-dir "$dir/state")

best() {  # best wall time of 3 runs of "$@", each from an empty kernel
  local b=999
  for _ in 1 2 3; do
    in_ns nft flush ruleset
    local s e
    s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N)
    b=$(awk -v b="$b" -v t="$(awk -v s="$s" -v e="$e" 'BEGIN{print e-s}')" 'BEGIN{print (t<b)?t:b}')
  done
  echo "$b"
}
nft_load=$(best in_ns nft -f "$dir/table.nft")
fw_restore=$(best "${restore[@]}")
in_ns nft flush ruleset; "${restore[@]}" > /dev/null
same=$(in_ns nft list table inet fwctl | cmp -s - "$dir/applied.txt" && echo "identical" || echo "DIFFERENT")
awk -v l="restore at boot (empty kernel, lo down) vs nft -f" -v a="$fw_restore" -v b="$nft_load" -v s="$same" \
  'BEGIN { printf "%-52s fwctl %6.3f s   nft %6.3f s   ratio %5.2fx   (restored table %s to the applied one)\n", l, a, b, a/b, s }'
echo "state: $(du -k "$dir/state/confirmed-table.snap" | cut -f1) kB confirmed-table.snap"
