#!/usr/bin/env bash
# Generates a large fleet policy for benchmarks: HOSTS hosts in ROLES roles, FLOWS flows.
# Deterministic (no randomness): the same arguments give the same policy.
# With a fourth argument `tests`, a test block follows whose expectations span whole roles
# and the whole fleet (each passes on the generated policy; needs ROLES >= 51).
# usage: gen-fleet.sh HOSTS ROLES FLOWS [tests] > fleet.policy
set -euo pipefail
hosts=${1:-10000} roles=${2:-100} flows=${3:-1000} tests=${4:-}
awk -v H="$hosts" -v R="$roles" -v F="$flows" -v T="$tests" 'BEGIN {
  print "# generated: " H " hosts, " R " roles, " F " flows"
  print "network internet = 0.0.0.0/0, ::/0"
  print "network ops = 198.51.100.0/24, 2001:db8:ff::/48"
  for (s = 0; s < 50; s++) printf "service svc%d = tcp/%d, udp/%d\n", s, 10000 + s, 20000 + s
  per = int(H / R)
  for (r = 0; r < R; r++) {
    printf "role r%d {\n", r
    for (k = 0; k < per; k++) {
      i = r * per + k
      printf "  host h%d = 10.%d.%d.%d, 2001:db8:%x::%x\n", i, int(i / 65536), int(i / 256) % 256, i % 256, r, k + 1
    }
    print "}"
  }
  n = 0
  print "allow ops -> * : tcp/22"
  print "allow * -> internet : udp/123"
  n = 2
  for (d = 1; n < F; d++) {
    for (r = 0; r < R && n < F; r++) {
      printf "allow r%d -> r%d : svc%d, tcp/%d\n", r, (r + d) % R, (r + d) % 50, 30000 + n
      n++
    }
  }
  if (T == "tests") {
    print "test \"fleet\" {"
    print "  expect allow ops -> * : tcp/22"
    print "  expect allow * -> internet : udp/123"
    print "  expect allow r0 -> r1 : svc1, tcp/30002"
    print "  expect only r0 -> r1 : svc1, tcp/30002"
    print "  expect deny r1 -> r0 : svc0, tcp/30002"
    print "  expect deny r0 -> r50 : any"
    print "  expect deny * -> internet : tcp/80"
    print "  expect allow r0, r1, r2 -> r3 : svc3"
    print "}"
  }
}'
