#!/usr/bin/env bash
# The main job on the bundled policy, in a throwaway network namespace standing for one host:
# check the policy, compile it, plan against the empty kernel table, apply through netlink
# (one atomic transaction), show the loaded table, plan again (no changes), let a server join
# a role (an edit of a copy of the policy: the new table is derived from the remembered
# compilation, one set element per family is sent), show the host's status and verify the
# apply log.
# The root namespace's firewall is never touched; the namespace is removed on every exit path.
set -euo pipefail
fwctl=${1:?usage: demo.sh FWCTL POLICY HOST}
policy=${2:?}
host=${3:?}
here=$(dirname "$(readlink -f "$0")")

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Passes its input through, except lines matching $1, and says how many it left out and why ($2).
elide() {
  local n=0 line
  while IFS= read -r line; do
    if [[ $line =~ $1 ]]; then n=$((n + 1)); else printf '%s\n' "$line"; fi
  done
  if [ "$n" -gt 0 ]; then printf '(%d lines elided: %s)\n' "$n" "$2"; fi
}

step "fwctl check --policy $policy"
"$fwctl" check --policy "$policy"

if [ "$(id -u)" != 0 ]; then
  step "fwctl compile --policy $policy --host $host"
  "$fwctl" compile --policy "$policy" --host "$host"
  echo "(not root: stopping before the kernel part; run as root to plan and apply in a throwaway namespace)"
  exit 0
fi

ns="fwctl-demo-$$-$RANDOM"
state=$(mktemp -d /tmp/fwctl-demo-state.XXXXXX)
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$state"; }
# The kernel steps use a copy of the policy, so the demo can edit it as an operator would.
mkdir "$state/policy"
cp "$policy" "$state/policy/"
policy="$state/policy/$(basename "$policy")"
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up
in_ns() { ip netns exec "$ns" "$@"; }
opts=(--policy "$policy" --host "$host" --state-dir "$state")

step "[$ns] fwctl plan --host $host   (the namespace has no firewall yet)"
in_ns "$fwctl" plan "${opts[@]}"

step "[$ns] fwctl apply --host $host --yes   (one netlink transaction)"
# apply prints the plan it applies, the one above: only its last lines are new.
in_ns "$fwctl" apply "${opts[@]}" --yes | elide '^(Plan for |Changes are shown|  |$)' "the plan shown above, which apply prints again before applying it"

step "[$ns] nft list table inet fwctl   (what the kernel holds, as nft decodes our bytes)"
in_ns nft list table inet fwctl
# Compared in canonical form (scripts/nft_canon.py): counters aside, and a map's elements in
# one order (nft lists a hash map's elements in its own order).
canon() { python3 "$here/nft_canon.py" "$@"; }
compared() { diff <("$fwctl" compile --policy "$policy" --host "$host" | canon "$@") <(in_ns nft list table inet fwctl | canon "$@"); }
if compared >/dev/null; then
  echo "=> the same as \`fwctl compile --host $host\` (the map elements' order and the counters aside)"
else
  echo "=> differs from fwctl compile:"; compared || true
  exit 1
fi

step "[$ns] fwctl plan --host $host --detailed-exitcode   (again: nothing to change)"
in_ns "$fwctl" plan "${opts[@]}" --detailed-exitcode

joined="  host lb-03 = 192.0.2.12, 2001:db8::12"
if grep -q '^  host lb-02 = 192.0.2.11, 2001:db8::11$' "$policy"; then
  step "[$ns] a load balancer joins role lb: one line added to the policy, then fwctl apply"
  sed -i "s/^  host lb-02 = 192.0.2.11, 2001:db8::11\$/&\n$joined/" "$policy"
  echo "+$joined"
  # The table is derived from the compilation remembered in the state directory (no parse of
  # the whole policy); every flow line below the new one moved down, hence the comments.
  in_ns env FWCTL_TIMINGS=1 "$fwctl" apply "${opts[@]}" --yes 2>&1 |
    elide '^  ~ rule ' "rules whose comment changed only because their policy line moved down one line"
  if compared >/dev/null; then
    echo "=> the kernel's table is the same as \`fwctl compile --host $host\` of the edited policy"
  else
    echo "=> differs from fwctl compile"; exit 1
  fi
fi

step "[$ns] fwctl status --host $host   (loaded, in sync, last apply, counters per policy line)"
in_ns "$fwctl" status "${opts[@]}" || true   # exit 2 would mean drift: shown, not fatal

step "fwctl audit log --verify   (the hash-chained record of those applies)"
"$fwctl" audit log --verify --state-dir "$state"

step "removing namespace $ns"
