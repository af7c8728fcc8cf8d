#!/usr/bin/env bash
# Per-packet cost of the compiled table: two network namespaces joined by a veth
# pair, the server holding one host's table of 4 roles x ROLE_SIZE addresses (default
# 25,000) and FLOWS inbound flows (2, 200, 2,000), the client a member of role g0.
# Compared side by side in one run, each figure the median of ROUNDS rounds (default 3); the
# layouts take turns in a different order each round, and each ratio to the minimal table is
# the median of the rounds' own ratios, so load that comes and goes between rounds (builds
# on the same cores) cancels instead of landing on one layout:
#   none     no ruleset
#   minimal  ct state established,related accept; iif lo accept; tcp dport { ... } accept; policy drop
#   rules    fwctl's table, one rule per flow (defaults { dispatch = rules }, the previous layout)
#   map      fwctl's table, flows dispatched by protocol and port (defaults { dispatch = map })
# New connections per second to the first flow's port and to the last flow's port (the probe
# connects, then closes with RST, so ephemeral ports never run out in TIME_WAIT), and TCP
# throughput to the last flow's port with iperf3 (when installed).
# usage: bench-packet.sh FWCTL   (env: FLOWS="2 200 2000" ROLE_SIZE=25000 SECONDS_PER=2 ROUNDS=3)
set -euo pipefail
fwctl=${1:?usage: bench-packet.sh FWCTL}
[ "$(id -u)" = 0 ] || { echo "bench-packet: needs root (network namespaces); skipped"; exit 0; }
flows_list=${FLOWS:-"2 200 2000"} role_size=${ROLE_SIZE:-25000} secs=${SECONDS_PER:-2} rounds=${ROUNDS:-3}
dir=$(mktemp -d /tmp/fwctl-bench-packet.XXXXXX)
srv="fwctl-bp-srv-$$-$RANDOM" cli="fwctl-bp-cli-$$-$RANDOM"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$srv" 2>/dev/null || true; ip netns del "$cli" 2>/dev/null || true; rm -rf "$dir"
}
trap cleanup EXIT INT TERM
ip netns add "$srv"; ip netns add "$cli"
ip link add bp0 netns "$srv" type veth peer name bp1 netns "$cli"
S() { ip netns exec "$srv" "$@"; }
C() { ip netns exec "$cli" "$@"; }
S ip link set lo up; C ip link set lo up
S ip link set bp0 up; C ip link set bp1 up
S ip addr add 192.0.2.1/32 dev bp0; S ip route add 10.64.0.5/32 dev bp0
C ip addr add 10.64.0.5/32 dev bp1; C ip route add 192.0.2.1/32 dev bp1

# The policy: target t is the server (192.0.2.1), the client is g0h5 (10.64.0.5); flows 0 and N-1 come from g0 (the client's role), the
# others from the four roles in turn. Flow f admits tcp/(10000 + f).
gen() {  # $1 flows, $2 dispatch
  awk -v F="$1" -v D="$2" -v N="$role_size" 'BEGIN {
    print "defaults { dispatch = " D " }"
    print "role target { host t = 192.0.2.1 }"
    for (f = 0; f < F; f++) printf "allow g%d -> target : tcp/%d\n", (f == 0 || f == F - 1) ? 0 : f % 4, 10000 + f
    for (r = 0; r < 4; r++) {
      printf "role g%d {\n", r
      for (i = 0; i < N; i++) printf "  host g%dh%d = 10.%d.%d.%d\n", r, i, 64 + r, int(i / 256) % 256, i % 256
      print "}"
    }
  }'
}

# Accepts and closes on the first and last flow's port.
cat > "$dir/server.py" <<'EOF'
import socket, sys, threading
def serve(port):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("192.0.2.1", port)); s.listen(4096)
    while True:
        c, _ = s.accept(); c.close()
for p in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(p),), daemon=True).start()
threading.Event().wait()
EOF
# Connects for SECONDS, closing each connection with RST (SO_LINGER 0); prints connections/s.
cat > "$dir/probe.py" <<'EOF'
import socket, struct, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
linger = struct.pack("ii", 1, 0)
n, end = 0, time.monotonic() + secs
start = time.monotonic()
while time.monotonic() < end:
    s = socket.socket(); s.settimeout(1.0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    try:
        s.connect(("192.0.2.1", port)); n += 1
    except OSError:
        pass
    s.close()
print(int(n / (time.monotonic() - start)))
EOF

load() {  # $1 layout, $2 flows
  S nft flush ruleset
  case $1 in
    none) ;;
    minimal)
      ports=$(awk -v F="$2" 'BEGIN { for (f = 0; f < F; f++) printf "%s%d", f ? ", " : "", 10000 + f }')
      printf 'table inet minimal {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t\tiif "lo" accept\n\t\ttcp dport { %s } accept\n\t}\n}\n' "$ports" | S nft -f - ;;
    rules|map) S nft -f "$dir/$1-$2.nft" ;;
  esac
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
have_iperf=0; command -v iperf3 > /dev/null && have_iperf=1
[ $have_iperf = 1 ] || echo "bench-packet: iperf3 not installed (make deps): throughput not measured"

echo "new connections/s (median of $rounds rounds, ${secs}s each; ratios: median of each round's ratio), 4 roles x $role_size addresses; throughput to the last flow's port"
printf '%-6s %-8s %12s %12s %10s %10s %14s\n' flows layout first-port last-port first/min last/min throughput
for flows in $flows_list; do
  last=$((10000 + flows - 1))
  for d in rules map; do
    mkdir -p "$dir/$d-$flows"; gen "$flows" "$d" > "$dir/$d-$flows/fleet.policy"
    "$fwctl" compile --policy "$dir/$d-$flows/fleet.policy" --host t > "$dir/$d-$flows.nft"
  done
  ip netns exec "$srv" python3 "$dir/server.py" 10000 "$last" > /dev/null 2>&1 & pids+=($!)
  sleep 0.5
  declare -A first_rate=() last_rate=() first_ratio=() last_ratio=()
  layouts=(none minimal rules map)
  for ((round = 0; round < rounds; round++)); do
    declare -A f=() l=()
    for ((k = 0; k < 4; k++)); do
      layout=${layouts[(k + round) % 4]}
      load "$layout" "$flows"
      f[$layout]=$(C python3 "$dir/probe.py" 10000 "$secs"); l[$layout]=$(C python3 "$dir/probe.py" "$last" "$secs")
      first_rate[$layout]+="${f[$layout]} "; last_rate[$layout]+="${l[$layout]} "
    done
    for layout in "${layouts[@]}"; do
      first_ratio[$layout]+="$(awk -v a="${f[$layout]}" -v b="${f[minimal]}" 'BEGIN { printf "%.4f", b ? a / b : 0 }') "
      last_ratio[$layout]+="$(awk -v a="${l[$layout]}" -v b="${l[minimal]}" 'BEGIN { printf "%.4f", b ? a / b : 0 }') "
    done
    unset f l
  done
  # The listeners hold both ports: iperf3 takes the last one after them.
  kill "${pids[-1]}" 2>/dev/null || true; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
  for layout in none minimal rules map; do
    f=$(echo ${first_rate[$layout]} | tr ' ' '\n' | median); l=$(echo ${last_rate[$layout]} | tr ' ' '\n' | median)
    fr=$(echo ${first_ratio[$layout]} | tr ' ' '\n' | median); lr=$(echo ${last_ratio[$layout]} | tr ' ' '\n' | median)
    tput=-
    if [ $have_iperf = 1 ]; then
      load "$layout" "$flows"
      ip netns exec "$srv" iperf3 -s -B 192.0.2.1 -p "$last" -1 > /dev/null 2>&1 & ip=$!
      sleep 0.5
      tput=$(C iperf3 -c 192.0.2.1 -p "$last" -t 3 -f g 2>/dev/null | awk '/receiver/ { print $(NF-2) " Gbit/s" }' || true)
      kill "$ip" 2>/dev/null || true; wait "$ip" 2>/dev/null || true
    fi
    printf '%-6s %-8s %12s %12s %10s %10s %14s\n' "$flows" "$layout" "$f" "$l" \
      "$(printf '%.2fx' "$fr")" "$(printf '%.2fx' "$lr")" "${tput:--}"
  done
  unset first_rate last_rate first_ratio last_ratio
done
