#!/usr/bin/env bash
# Benchmarks of plan/apply against nft, in a throwaway network namespace.
# One host's table: 4 interval sets x 25,000 IPv4 addresses and 200 rules.
#   first load:            fwctl apply   vs  nft -f of the same text            (target <= 1.0x)
#   one host added:        fwctl apply   vs  flush-and-reload with nft -f       (target >= 10x faster)
#                                        and nft add element of that address    (target: faster)
#   nothing to change:     fwctl plan    vs  nft -j list ruleset                (target <= 0.5x)
# Each figure is the best of 3 runs.
# fwctl rows come in four states of the host (see docs/FAST-PATHS.md):
#   "after fwctl"  the table was last changed by fwctl itself from the previous version of the
#                  policy file (the usual case): the state directory's record of the table is
#                  current, and so is its cached compilation of that version, from which the
#                  new table is derived (the edit only adds a host to a role); the no-change
#                  plan uses the cached compilation of the unchanged policy.
#   "uncached"     the same, with the cached compilation removed: the changed policy is
#                  parsed, checked and compiled in full.
#   "after nft"    the table was loaded by nft (the record is stale: every set is dumped),
#                  the policy is unchanged since fwctl's last run (its compilation is cached).
#   "--refresh"    the table was loaded by nft; fwctl runs with --refresh: compiles the
#                  policy and dumps every set from the kernel, trusting nothing remembered.
# The policy is edited in place, as an operator would: one file, its base or grown version.
set -euo pipefail
fwctl=${1:?usage: bench-apply.sh FWCTL}
. "$(dirname "$0")/lib/bench.sh"
bench_start bench-apply
ip -n "$ns" link set lo up

# One policy file, edited in place: its two versions differ by one host line.
mkdir -p "$dir/policy"
policy="$dir/policy/fleet.policy"
bench_fleet > "$dir/base.policy"
bench_fleet "  host r0new = 10.200.0.1" > "$dir/grown.policy"
use() { cp "$dir/$1.policy" "$policy"; }
use base; "$fwctl" compile --policy "$policy" --host t > "$dir/base.nft"
use grown; "$fwctl" compile --policy "$policy" --host t > "$dir/grown.nft"
echo "table: $(grep -c '^	set ' "$dir/base.nft") sets, $(grep -c 'counter packets' "$dir/base.nft") rules, $(wc -c < "$dir/base.nft") bytes of nft text"

reset_empty() { in_ns nft flush ruleset; }
load_base() { in_ns nft flush ruleset; in_ns nft -f "$dir/base.nft"; }
opts=(--host t --state-dir "$dir/state" --yes --no-confirm)
# The base version as fwctl applied it (record and cached compilation current), then the
# file edited to the grown version.
fwctl_base() { in_ns nft flush ruleset; rm -rf "$dir/state"; use base; in_ns "$fwctl" apply --policy "$policy" "${opts[@]}" > /dev/null; use grown; }
fwctl_base_uncached() { fwctl_base; rm -f "$dir/state/compiled-table.cache"; }

SETUP=reset_empty; nft_load=$(best in_ns nft -f "$dir/base.nft")
SETUP="reset_empty; rm -rf $dir/state; use base"; fw_load=$(best in_ns "$fwctl" apply --policy "$policy" "${opts[@]}")
{ echo "flush table inet fwctl"; cat "$dir/grown.nft"; } > "$dir/reload.nft"
SETUP=load_base; nft_reload=$(best in_ns nft -f "$dir/reload.nft")
SETUP=load_base; nft_add=$(best in_ns nft add element inet fwctl role_r0_v4 '{ 10.200.0.1 }')
SETUP=fwctl_base; fw_add=$(best in_ns "$fwctl" apply --policy "$policy" "${opts[@]}")
SETUP=fwctl_base_uncached; fw_add_full=$(best in_ns "$fwctl" apply --policy "$policy" "${opts[@]}")
SETUP="load_base; use grown"; fw_add_cold=$(best in_ns "$fwctl" apply --refresh --policy "$policy" "${opts[@]}")
fwctl_base
derived=$(in_ns env FWCTL_TIMINGS=1 "$fwctl" plan --policy "$policy" --host t --state-dir "$dir/state" 2>&1 >/dev/null | grep -c 'derive' || true)
changes=$(in_ns "$fwctl" plan --policy "$policy" --host t --state-dir "$dir/state" --format json | grep -c '"op"')
elements=$(in_ns "$fwctl" plan --policy "$policy" --host t --state-dir "$dir/state" | grep -c '+ element' || true)
SETUP=load_base; nft_list=$(best in_ns nft -j list ruleset)
fwctl_base; use base; in_ns "$fwctl" plan --policy "$policy" --host t --state-dir "$dir/state" > /dev/null
SETUP=:; fw_plan=$(best in_ns "$fwctl" plan --policy "$policy" --host t --state-dir "$dir/state")
SETUP=load_base; fw_plan_nft=$(best in_ns "$fwctl" plan --policy "$policy" --host t --state-dir "$dir/state")
SETUP=load_base; fw_plan_cold=$(best in_ns "$fwctl" plan --refresh --policy "$policy" --host t --state-dir "$dir/state")

row "first load of the table" "$fw_load" "$nft_load" "target <= 1.0x"
row "one host added, after fwctl, vs flush-and-reload" "$fw_add" "$nft_reload" "target <= 0.10x"
row "one host added, after fwctl, vs nft add element" "$fw_add" "$nft_add" "target < 1.0x"
row "one host added, uncached, vs flush-and-reload" "$fw_add_full" "$nft_reload" "target <= 0.10x"
row "one host added, --refresh, vs flush-and-reload" "$fw_add_cold" "$nft_reload" "target <= 0.10x"
row "one host added, --refresh, vs nft add element" "$fw_add_cold" "$nft_add" "target < 1.0x"
row "plan, nothing to change, after fwctl, vs nft -j list" "$fw_plan" "$nft_list" "target <= 0.5x"
row "plan, nothing to change, after nft, vs nft -j list" "$fw_plan_nft" "$nft_list" "target <= 0.5x"
row "plan, nothing to change, --refresh, vs nft -j list" "$fw_plan_cold" "$nft_list" "target <= 0.5x"
echo "one host added: $changes change(s) in the plan, $elements set element(s) sent, table derived from the cached compilation: $([ "$derived" -gt 0 ] && echo yes || echo no)"
