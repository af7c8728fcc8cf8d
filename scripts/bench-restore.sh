#!/usr/bin/env bash
# `fwctl restore` at boot against `nft -f` of the same table, side by side in one run, in
# throwaway network namespaces: the benchmark table of scripts/bench-apply.sh (4 interval
# sets x 25,000 IPv4 addresses, 200 rules). fwctl applies it once (keeping it as the
# confirmed table); then each run starts from an empty kernel, as at boot, with loopback
# down: `fwctl restore` (state directory only, no policy read) and `nft -f` of the nft text.
# Each figure is the best of 3 runs.
set -euo pipefail
fwctl=${1:?usage: bench-restore.sh FWCTL}
. "$(dirname "$0")/lib/bench.sh"
bench_start bench-restore
bench_fleet > "$dir/fleet.policy"
"$fwctl" compile --policy "$dir/fleet.policy" --host t > "$dir/table.nft"
in_ns "$fwctl" apply --policy "$dir/fleet.policy" --host t --state-dir "$dir/state" --yes --no-confirm > /dev/null
in_ns nft list table inet fwctl > "$dir/applied.txt"
# A policy path that does not exist: restore must not need it.
restore=(in_ns "$fwctl" restore --policy "$dir/absent" --host t --state-dir "$dir/state")

SETUP="in_ns nft flush ruleset"   # each run starts from an empty kernel
nft_load=$(best in_ns nft -f "$dir/table.nft")
fw_restore=$(best "${restore[@]}")
in_ns nft flush ruleset; "${restore[@]}" > /dev/null
same=$(in_ns nft list table inet fwctl | cmp -s - "$dir/applied.txt" && echo "identical" || echo "DIFFERENT")
row "restore at boot (empty kernel, lo down) vs nft -f" "$fw_restore" "$nft_load" "restored table $same to the applied one"
echo "state: $(du -k "$dir/state/confirmed-table.snap" | cut -f1) kB confirmed-table.snap"
