#!/usr/bin/env bash
# The Debian package, tested as a server would use it, installing nothing on this machine:
#   - its contents and control fields (dpkg-deb -c / -I), lintian at error level;
#   - the extracted fwctl run with the Swift toolchain hidden (an empty tmpfs over its
#     directory, env -i): --version, check, compile, and apply in a network namespace;
#   - a simulated reboot: apply + confirm, then an unconfirmed apply, then the unit's own
#     ExecStart (parsed from the shipped fwctl.service) in a fresh namespace with loopback
#     down, as at boot: the confirmed table comes back byte for byte; with the state damaged,
#     the policy's; with neither, the documented error and an empty kernel;
#   - systemd-analyze verify on the shipped units, paths rewritten to the extracted root.
# Every kernel step runs in a network namespace made here and always removed. Prints
# `N passed, N failed` last.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
  echo "test-package: skipped: needs root (dpkg-deb --root-owner-group, network namespaces, unshare --mount)"
  echo "0 passed, 0 failed"
  exit 0
fi
scripts/build-deb.sh || { echo "test-package: make deb failed"; echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() { failed=$((failed + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && sed 's/^/       /' <<< "$2"; }
check() {  # check NAME COMMAND...: passes when the command succeeds; shows its output if not
  local name=$1 out; shift
  if out=$("$@" 2>&1); then ok "$name"; else fail "$name" "$out"; fi
}

debs=(dist/fwctl_*_amd64.deb)
deb=${debs[0]}
check "dist/ holds exactly one package ($deb)" test ${#debs[@]} = 1 -a -f "$deb"

tmp=$(mktemp -d /tmp/fwctl-package-test.XXXXXX)
namespaces=()
watchdogs=()
cleanup() {
  for pid in "${watchdogs[@]}"; do kill "$pid" 2>/dev/null; done
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
new_ns() {  # prints the name of a fresh network namespace; $1=up brings lo up
  local ns="fwctl-pkg-$$-$RANDOM"
  ip netns add "$ns" || return 1
  [ "${1:-}" = up ] && ip -n "$ns" link set lo up
  echo "$ns"
}

# --- contents and fields -----------------------------------------------------------------
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/fwctl ./usr/share/man/man1/fwctl.1.gz ./usr/share/man/man1/fwctl-restore.1.gz \
            ./usr/share/bash-completion/completions/fwctl ./usr/share/zsh/vendor-completions/_fwctl \
            ./usr/share/fish/vendor_completions.d/fwctl.fish ./etc/fwctl/policy/example.policy ./etc/default/fwctl \
            ./lib/systemd/system/fwctl.service ./lib/systemd/system/fwctl-status.service \
            ./lib/systemd/system/fwctl-status.timer ./usr/share/doc/fwctl/copyright ./usr/share/doc/fwctl/changelog.gz; do
  check "package contains $path" grep -q " $path\$" <<< "$contents"
done
check "/var/lib/fwctl is in the package, 0700 root" grep -qE '^drwx------ root/root .* \./var/lib/fwctl/$' <<< "$contents"
info=$(dpkg-deb -I "$deb")
field() { sed -n "s/^ $1: //p" <<< "$info"; }
version=$(field Version)
check "Package: fwctl, Architecture: amd64" test "$(field Package)/$(field Architecture)" = fwctl/amd64
check "Depends: libnftnl11 and libmnl0 ($(field Depends))" grep -qE 'libnftnl11.*libmnl0|libmnl0.*libnftnl11' <<< "$(field Depends)"
check "Depends: no Swift library" bash -c "! grep -qi swift <<< '$(field Depends)'"
check "Recommends: nftables" test "$(field Recommends)" = nftables
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
check "conffiles: the example policy and /etc/default/fwctl" test "$(sort <<< "$conffiles" | tr '\n' ' ')" = "/etc/default/fwctl /etc/fwctl/policy/example.policy "
check "postinst enables the units with deb-systemd-helper" bash -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xO ./postinst | grep -q 'deb-systemd-helper enable'"
check "lintian --fail-on error" lintian --fail-on error "$deb"

# --- the extracted binary, toolchain hidden ----------------------------------------------
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
fwctl="$root/usr/bin/fwctl"
swift_bin=$(command -v swift || echo /opt/swift/usr/bin/swift)
toolchain=$(dirname "$(dirname "$(dirname "$(readlink -f "$swift_bin")")")")
[ "$toolchain" = / ] && toolchain=/opt/swift
check "ldd lists no Swift library" bash -c "! ldd '$fwctl' | grep -iE 'swift|Foundation|icu'"
# hidden CMD...: runs CMD with an empty tmpfs over the toolchain and an empty environment.
hidden() {
  unshare --mount sh -c 'mount -t tmpfs -o size=1m fwctl-hidden "$0" && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"' "$toolchain" "$@"
}
check "the toolchain is hidden in the test's mount namespace" hidden sh -c "test -z \"\$(ls -A '$toolchain')\""
check "fwctl --version ($version) without the toolchain" test "$(hidden "$fwctl" --version)" = "$version"
check "fwctl check without the toolchain" hidden "$fwctl" check --policy policies/scale-up.policy
check "fwctl compile without the toolchain" grep -q "table inet fwctl" <<< "$(hidden "$fwctl" compile --policy policies/scale-up.policy --host web-01)"
ns=$(new_ns up); namespaces+=("$ns")
check "fwctl apply in a namespace without the toolchain" ip netns exec "$ns" bash -c "$(declare -f hidden); toolchain='$toolchain'; hidden '$fwctl' apply --policy policies/scale-up.policy --host web-01 --state-dir '$tmp/apply-state' --yes --no-confirm && nft list table inet fwctl > /dev/null"

# The unit's sandbox as far as it can be reproduced without systemd as PID 1: only
# CAP_NET_ADMIN with no_new_privs (CapabilityBoundingSet=, NoNewPrivileges=), and every mount
# read-only but the state directory (ProtectSystem=strict, ReadWritePaths=).
unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$root/lib/systemd/system/fwctl.service")
check "the unit's capabilities are CAP_NET_ADMIN alone ($unit_caps)" test "$unit_caps" = CAP_NET_ADMIN
sandbox_state="$tmp/sandbox-state"; install -d -m 0700 "$sandbox_state"
sandboxed() {  # sandboxed NS CMD...: CMD with CAP_NET_ADMIN only, no_new_privs, read-only mounts but the state dir
  local n=$1; shift
  ip netns exec "$n" unshare --mount sh -c '
    state=$0
    mount --bind "$state" "$state" || exit 1
    for m in $(awk "{print \$2}" /proc/self/mounts); do
      case $m in "$state"|/proc*|/sys*|/dev*) ;; *) mount -o remount,bind,ro "$m" 2>/dev/null ;; esac
    done
    exec setpriv --bounding-set=-all,+net_admin --inh-caps=-all --no-new-privs "$@"' "$sandbox_state" "$@"
}
sandbox_ns=$(new_ns); namespaces+=("$sandbox_ns")
check "sandboxed: apply (ExecReload's command) writes only the state directory" sandboxed "$sandbox_ns" "$fwctl" apply --policy policies/scale-up.policy --host web-01 --state-dir "$sandbox_state" --yes --no-confirm
ip netns exec "$sandbox_ns" nft flush ruleset
check "sandboxed: restore (ExecStart's command)" sandboxed "$sandbox_ns" "$fwctl" restore --policy /nonexistent --host web-01 --state-dir "$sandbox_state"
check "sandboxed: the table is back" ip netns exec "$sandbox_ns" nft list table inet fwctl

# --- a simulated reboot ------------------------------------------------------------------
unit="$root/lib/systemd/system/fwctl.service"
state="$tmp/state"; policy="$tmp/policy"
mkdir -p "$policy"; cp policies/scale-up.policy "$policy/site.policy"; cp "$root/etc/fwctl/policy/example.policy" "$policy/"
# The unit's ExecStart with its real paths pointed at the extracted root and this test's
# state and policy: a changed unit changes what runs here.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
boot_cmd=${exec_start//\/usr\/bin\/fwctl/$fwctl}
boot_cmd=${boot_cmd//\/var\/lib\/fwctl/$state}
boot_cmd=${boot_cmd//\/etc\/fwctl\/policy/$policy}
check "ExecStart is fwctl restore with the real paths ($exec_start)" test "$exec_start" = "/usr/bin/fwctl restore --state-dir /var/lib/fwctl --policy /etc/fwctl/policy"
at_boot() {  # at_boot NS: the unit's command in NS, loopback down, toolchain hidden, on a machine named web-01; output in $tmp/boot.out
  ip netns exec "$1" unshare --uts bash -c "hostname web-01; $(declare -f hidden); toolchain='$toolchain'; hidden $boot_cmd" > "$tmp/boot.out" 2>&1
}
run_fwctl() { local n=$1; shift; ip netns exec "$n" "$fwctl" "$@" --policy "$policy" --host web-01 --state-dir "$state"; }

before=$(new_ns up); namespaces+=("$before")
run_fwctl "$before" apply --yes --confirm 300 > /dev/null 2>&1
ip netns exec "$before" "$fwctl" confirm --state-dir "$state" > "$tmp/confirm.out" 2>&1
confirmed=$(ip netns exec "$before" nft list table inet fwctl)
check "apply + confirm keeps a confirmed table" test -f "$state/confirmed-table.snap"
# The operator edits the policy (one more flow to this host) and applies it without confirming.
echo 'allow ops-vpn -> web : app-tls' >> "$policy/site.policy"
run_fwctl "$before" apply --yes --confirm 300 > "$tmp/pending.out" 2>&1
pending=$(ip netns exec "$before" nft list table inet fwctl)
watchdog=$(sed -n 's/.*"watchdogPID":\([0-9]*\).*/\1/p' "$state/pending-confirm.json" 2>/dev/null)
[ -n "$watchdog" ] && watchdogs+=("$watchdog")
check "the unconfirmed apply is pending and loaded a different table" bash -c "test -f '$state/pending-confirm.json' && [ '$(sha256sum <<< "$confirmed")' != '$(sha256sum <<< "$pending")' ]"
# The reboot: every process is gone (the watchdog too), the kernel is empty.
[ -n "$watchdog" ] && kill "$watchdog" 2>/dev/null
boot=$(new_ns); namespaces+=("$boot")
if at_boot "$boot"; then ok "boot: the unit's ExecStart succeeds"; else fail "boot: the unit's ExecStart succeeds" "$(cat "$tmp/boot.out")"; fi
check "boot: the table is the confirmed one, byte for byte" diff <(echo "$confirmed") <(ip netns exec "$boot" nft list table inet fwctl)
check "boot: the unconfirmed apply is discarded" test ! -e "$state/pending-confirm.json"
check "boot: the restore is in the apply log, which verifies" bash -c "tail -1 '$state/apply-log.jsonl' | grep -q '\"action\":\"restore\"' && '$fwctl' audit log --verify --log '$state/apply-log.jsonl' > /dev/null"

# Damaged state: the policy (the edited one, as the operator left it) is loaded instead.
printf 'X' | dd of="$state/confirmed-table.snap" bs=1 seek=100 conv=notrunc status=none
boot2=$(new_ns); namespaces+=("$boot2")
if at_boot "$boot2"; then ok "boot, damaged state: ExecStart succeeds"; else fail "boot, damaged state: ExecStart succeeds" "$(cat "$tmp/boot.out")"; fi
# The policy loaded at once lists its objects in the compiler's order, the pending table (the
# same policy applied over the confirmed one) new objects after the kept ones: compared in
# canonical form (scripts/nft_canon.py: blocks and map elements sorted, counters dropped).
canon() { python3 scripts/nft_canon.py --blocks; }
check "boot, damaged state: the table is the policy's" diff <(echo "$pending" | canon) <(ip netns exec "$boot2" nft list table inet fwctl | canon)

# Neither: no state, no policy for this host.
rm -f "$state/confirmed-table.snap"; rm -f "$policy/site.policy"
boot3=$(new_ns); namespaces+=("$boot3")
if at_boot "$boot3"; then fail "boot, nothing usable: ExecStart fails" "$(cat "$tmp/boot.out")"; else ok "boot, nothing usable: ExecStart fails"; fi
check "boot, nothing usable: the documented message" grep -q "fwctl: error: nothing to restore: no confirmed table in $state.*then run \`fwctl apply\`" "$tmp/boot.out"
check "boot, nothing usable: the kernel stays empty" test -z "$(ip netns exec "$boot3" nft list ruleset)"

# --- the metrics unit -------------------------------------------------------------------------
# Its ExecStartPre and ExecStart as systemd would run them ($$ -> $, %% -> %, ${VAR} from
# Environment=), paths pointed here, on a host whose table is not loaded: the metrics say so
# and the exit status is one the unit counts as success.
status_unit="$root/lib/systemd/system/fwctl-status.service"
metrics="$tmp/node-exporter/textfile/fwctl.prom"
cp policies/scale-up.policy "$policy/site.policy"
unit_line() { sed -n "s/^$1=//p" "$status_unit" | sed -e 's/\$\$/$/g' -e 's/%%/%/g' -e "s|\${FWCTL_METRICS_FILE}|$metrics|g" \
  -e "s|/usr/bin/fwctl|$fwctl|g" -e "s|/var/lib/fwctl|$state|g" -e "s|/etc/fwctl/policy|$policy|g"; }
pre=$(unit_line ExecStartPre); start=$(unit_line ExecStart)
success=$(sed -n 's/^SuccessExitStatus=//p' "$status_unit")
unloaded=$(new_ns); namespaces+=("$unloaded")
FWCTL_METRICS_FILE=$metrics eval "$pre"
ip netns exec "$unloaded" unshare --uts bash -c "hostname web-01; $start" > "$tmp/status.out" 2>&1; rc=$?
check "fwctl-status.service: ExecStartPre makes the collector's directory" test -d "$(dirname "$metrics")"
check "fwctl-status.service: an unloaded table exits $rc, a success for the unit (SuccessExitStatus=$success)" bash -c "[ $rc = 0 ] || grep -qw -- '$rc' <<< '$success'"
check "fwctl-status.service: an unloaded table is fwctl_in_sync 0" grep -q '^fwctl_in_sync{host="web-01"} 0$' "$metrics"

# --- systemd-analyze verify ----------------------------------------------------------------
units="$tmp/units"; mkdir -p "$units"
for u in fwctl.service fwctl-status.service fwctl-status.timer; do
  sed -e "s|/usr/bin/fwctl|$fwctl|g" "$root/lib/systemd/system/$u" > "$units/$u"
done
check "systemd-analyze verify on the shipped units" env MANPATH="$root/usr/share/man" systemd-analyze verify "$units/fwctl.service" "$units/fwctl-status.service" "$units/fwctl-status.timer"

echo "package: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
