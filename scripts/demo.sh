#!/usr/bin/env bash
# The main job on the bundled policy: check it, compile it for one host, and load the result
# into a throwaway network namespace standing for that host. The root namespace's firewall is
# never touched; the namespace is removed on every exit path.
set -euo pipefail
fwctl=${1:?usage: demo.sh FWCTL POLICY HOST}
policy=${2:?}
host=${3:?}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "fwctl check --policy $policy"
"$fwctl" check --policy "$policy"

step "fwctl compile --policy $policy --host $host"
ruleset=$("$fwctl" compile --policy "$policy" --host "$host")
printf '%s\n' "$ruleset"

if [ "$(id -u)" != 0 ]; then
  echo "(not root: skipping the network-namespace part of the demo; run as root to load the ruleset)"
  exit 0
fi

ns="fwctl-demo-$$-$RANDOM"
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
ip netns add "$ns"
ip -n "$ns" link set lo up

step "in a throwaway network namespace ($ns): nft -c, nft -f, nft list table"
printf '%s\n' "$ruleset" | ip netns exec "$ns" nft -c -f -
printf '%s\n' "$ruleset" | ip netns exec "$ns" nft -f -
ip netns exec "$ns" nft list ruleset > /tmp/fwctl-demo-$$.listed
if diff -u <(printf '%s\n' "$ruleset") /tmp/fwctl-demo-$$.listed >/dev/null; then
  echo "loaded: the kernel lists exactly what fwctl compiled ($(grep -c 'counter' /tmp/fwctl-demo-$$.listed) counted rules)"
else
  echo "the kernel's listing differs from fwctl's rendering:"; diff -u <(printf '%s\n' "$ruleset") /tmp/fwctl-demo-$$.listed || true
  rm -f /tmp/fwctl-demo-$$.listed
  exit 1
fi
rm -f /tmp/fwctl-demo-$$.listed
step "removing namespace $ns"
