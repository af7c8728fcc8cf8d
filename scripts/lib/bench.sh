# What the kernel benchmarks share (sourced by scripts/bench-*.sh): a throwaway network
# namespace, the benchmark fleet, the best of 3 runs and the result row.

# bench_start NAME: skips the benchmark (exit 0, saying why) unless root; makes $dir, a
# temporary directory, and $ns, a network namespace (loopback down), both removed on exit.
bench_start() {
  [ "$(id -u)" = 0 ] || { echo "$1: needs root (network namespace); skipped"; exit 0; }
  dir=$(mktemp -d "/tmp/fwctl-$1.XXXXXX")
  ns="fwctl-$1-$$-$RANDOM"
  trap 'ip netns del "$ns" 2>/dev/null || true; rm -rf "$dir"' EXIT INT TERM
  ip netns add "$ns"
}

in_ns() { ip netns exec "$ns" "$@"; }

# bench_fleet [EXTRA]: the benchmark policy on stdout: 4 roles x 25,000 IPv4 hosts, 200 flows
# to host t (one host's table: 4 interval sets x 25,000 addresses, 200 rules). EXTRA, a host
# line, is added to role r0.
bench_fleet() {
  awk -v EXTRA="${1:-}" 'BEGIN {
    print "# generated: 4 roles x 25,000 hosts, 200 flows to host t"
    print "role target { host t = 192.0.2.1 }"
    for (f = 0; f < 200; f++) printf "allow r%d -> target : tcp/%d\n", f % 4, 10000 + f
    for (r = 0; r < 4; r++) {
      printf "role r%d {\n", r
      for (i = 0; i < 25000; i++) printf "  host r%dh%d = 10.%d.%d.%d\n", r, i, 64 + r * 2, int(i / 256) % 256, i % 256
      if (r == 0 && EXTRA != "") print EXTRA
      print "}"
    }
  }'
}

# best CMD...: the best wall time, in seconds, of 3 runs of CMD, each after `eval "$SETUP"`.
best() {
  local b=999
  for _ in 1 2 3; do
    eval "$SETUP"
    local s e
    s=$(date +%s.%N); "$@" > /dev/null; e=$(date +%s.%N)
    b=$(awk -v b="$b" -v t="$(awk -v s="$s" -v e="$e" 'BEGIN{print e-s}')" 'BEGIN{print (t<b)?t:b}')
  done
  echo "$b"
}

# row LABEL FWCTL_SECONDS NFT_SECONDS NOTE: one line of results.
row() {
  awk -v l="$1" -v a="$2" -v b="$3" -v t="$4" 'BEGIN { printf "%-52s fwctl %6.3f s   nft %6.3f s   ratio %5.2fx   (%s)\n", l, a, b, a/b, t }'
}
