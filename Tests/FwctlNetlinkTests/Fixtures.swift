import FwctlNet
import FwctlRuleset

/// Hand-built tables covering every `Expression` case fwctl generates, each with the text
/// `nft list table` prints for it (nft 1.0.6; checked by loading the text with `nft -f`).
struct Fixture {
    var table: Table
    var listing: String
}

func ip(_ s: String) -> IPAddress { IPAddress(s)! }
func host(_ s: String) -> AddressRange { AddressRange(ip(s)) }
func net(_ s: String) -> AddressRange {
    let parts = s.split(separator: "/")
    return AddressRange(prefix: ip(String(parts[0])), length: Int(parts[1])!)!
}
func span(_ a: String, _ b: String) -> AddressRange { AddressRange(lower: ip(a), upper: ip(b)) }

enum Fixtures {
    static let all = [main, edge, forwarded]

    static let main = Fixture(
        table: Table(name: "fwctl", sets: [
            NamedSet(name: "web_v4", keyType: .ipv4Addr, comment: "role web",
                     elements: [.address(host("10.0.0.1")), .address(net("10.1.0.0/16")), .address(span("192.168.1.5", "192.168.1.9"))]),
            NamedSet(name: "web_v6", keyType: .ipv6Addr, elements: [.address(net("2001:db8::/64")), .address(net("8000::/1"))]),
            NamedSet(name: "edge_v4", keyType: .ipv4Addr, elements: [.address(net("0.0.0.0/8")), .address(net("240.0.0.0/4"))]),
            NamedSet(name: "hosts_v4", keyType: .ipv4Addr, isInterval: false,
                     elements: [.address(host("10.9.9.9")), .address(host("10.9.9.10"))]),
            NamedSet(name: "ports", keyType: .inetService, elements: [.port(PortRange(22)), .port(PortRange(8000, 8100))]),
            NamedSet(name: "protos", keyType: .inetProto, elements: [.proto(89), .proto(112)]),
        ], chains: [
            Chain(name: "input", hook: BaseChainHook(hook: .input, priority: 0, policy: .drop), rules: [
                Rule([.ctState([.established, .related]), .verdict(.accept)]),
                Rule([.ctState(.invalid), .verdict(.drop)]),
                Rule([.interface(direction: .iif, name: "lo"), .verdict(.accept)]),
                Rule([.address(family: .v4, field: .saddr, match: .set("web_v4")),
                      .port(proto: .tcp, field: .dport, match: .range(PortRange(443))),
                      .counter(packets: 0, bytes: 0), .verdict(.accept)], comment: "a.pol:3: web"),
                Rule([.address(family: .v6, field: .daddr, match: .set("web_v6")),
                      .port(proto: .udp, field: .dport, match: .anonymousSet([PortRange(53), PortRange(5353)])), .verdict(.accept)]),
                Rule([.address(family: .v4, field: .saddr, match: .range(span("10.0.0.1", "10.0.0.9"))),
                      .port(proto: .tcp, field: .dport, match: .anonymousSet([PortRange(80), PortRange(443), PortRange(8000, 8100)])),
                      .verdict(.accept)]),
                Rule([.address(family: .v4, field: .daddr, match: .anonymousSet([host("10.0.0.1"), net("10.2.0.0/16")])), .verdict(.drop)]),
                Rule([.address(family: .v6, field: .saddr, match: .range(net("2001:db8::/64"))),
                      .port(proto: .udp, field: .sport, match: .range(PortRange(1000, 2000))), .verdict(.accept)]),
                Rule([.address(family: .v4, field: .saddr, match: .range(net("10.0.0.0/20"))),
                      .port(proto: .sctp, field: .dport, match: .range(PortRange(9))), .verdict(.accept)]),
                Rule([.address(family: .v6, field: .saddr, match: .anonymousSet([host("2001:db8::1"), host("2001:db8::3")])), .verdict(.accept)]),
                Rule([.address(family: .v4, field: .daddr, match: .range(host("192.0.2.1"))), .verdict(.accept)]),
                Rule([.l4proto(112), .verdict(.accept)]),
                Rule([.nfproto(.v6), .verdict(.accept)]),
                Rule([.icmpType(family: .v4, types: [8]), .verdict(.accept)]),
                Rule([.icmpType(family: .v6, types: [135, 136]), .verdict(.accept)]),
                Rule([.limit(rate: 5, per: .second, burst: 5), .verdict(.accept)]),
                Rule([.limit(rate: 10, per: .minute, burst: 20), .verdict(.accept)]),
                Rule([.log(prefix: "fwctl drop: ", level: .info)]),
                Rule([.log(prefix: nil, level: nil)]),
                Rule([.interface(direction: .oif, name: "lo"), .verdict(.jump("sub"))]),
                Rule([.verdict(.goto("sub"))]),
                Rule([.counter(packets: 0, bytes: 0), .verdict(.drop)]),
            ]),
            Chain(name: "forward", hook: BaseChainHook(hook: .forward, priority: -10, policy: .accept)),
            Chain(name: "sub", rules: [
                Rule([.address(family: .v4, field: .saddr, match: .range(net("10.0.0.0/24"))), .verdict(.return)]),
            ], comment: "helper"),
        ]),
        listing: """
        table inet fwctl {
        \tset web_v4 {
        \t\ttype ipv4_addr
        \t\tflags interval
        \t\tcomment "role web"
        \t\telements = { 10.0.0.1, 10.1.0.0/16,
        \t\t\t     192.168.1.5-192.168.1.9 }
        \t}

        \tset web_v6 {
        \t\ttype ipv6_addr
        \t\tflags interval
        \t\telements = { 2001:db8::/64,
        \t\t\t     8000::/1 }
        \t}

        \tset edge_v4 {
        \t\ttype ipv4_addr
        \t\tflags interval
        \t\telements = { 0.0.0.0/8, 240.0.0.0/4 }
        \t}

        \tset hosts_v4 {
        \t\ttype ipv4_addr
        \t\telements = { 10.9.9.9, 10.9.9.10 }
        \t}

        \tset ports {
        \t\ttype inet_service
        \t\tflags interval
        \t\telements = { 22, 8000-8100 }
        \t}

        \tset protos {
        \t\ttype inet_proto
        \t\tflags interval
        \t\telements = { ospf, vrrp }
        \t}

        \tchain input {
        \t\ttype filter hook input priority filter; policy drop;
        \t\tct state established,related accept
        \t\tct state invalid drop
        \t\tiif "lo" accept
        \t\tip saddr @web_v4 tcp dport 443 counter packets 0 bytes 0 accept comment "a.pol:3: web"
        \t\tip6 daddr @web_v6 udp dport { 53, 5353 } accept
        \t\tip saddr 10.0.0.1-10.0.0.9 tcp dport { 80, 443, 8000-8100 } accept
        \t\tip daddr { 10.0.0.1, 10.2.0.0/16 } drop
        \t\tip6 saddr 2001:db8::/64 udp sport 1000-2000 accept
        \t\tip saddr 10.0.0.0/20 sctp dport 9 accept
        \t\tip6 saddr { 2001:db8::1, 2001:db8::3 } accept
        \t\tip daddr 192.0.2.1 accept
        \t\tmeta l4proto vrrp accept
        \t\tmeta nfproto ipv6 accept
        \t\ticmp type echo-request accept
        \t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
        \t\tlimit rate 5/second accept
        \t\tlimit rate 10/minute burst 20 packets accept
        \t\tlog prefix "fwctl drop: " level info
        \t\tlog
        \t\toif "lo" jump sub
        \t\tgoto sub
        \t\tcounter packets 0 bytes 0 drop
        \t}

        \tchain forward {
        \t\ttype filter hook forward priority filter - 10; policy accept;
        \t}

        \tchain sub {
        \t\tcomment "helper"
        \t\tip saddr 10.0.0.0/24 return
        \t}
        }

        """)

    /// Edges: a /0 prefix (bitwise with an empty mask), the full port range, an icmp type
    /// set with the lowest type, and an output chain with a positive priority.
    static let edge = Fixture(
        table: Table(name: "edge", chains: [
            Chain(name: "output", hook: BaseChainHook(hook: .output, priority: 100, policy: .accept), rules: [
                Rule([.address(family: .v4, field: .daddr, match: .range(net("0.0.0.0/0"))), .verdict(.accept)]),
                Rule([.port(proto: .tcp, field: .dport, match: .range(PortRange(0, 65535))), .verdict(.accept)]),
                Rule([.icmpType(family: .v4, types: [0, 8]), .counter(packets: 0, bytes: 0), .verdict(.accept)],
                     comment: "ping"),
            ]),
        ]),
        listing: """
        table inet edge {
        \tchain output {
        \t\ttype filter hook output priority 100; policy accept;
        \t\tip daddr 0.0.0.0/0 accept
        \t\ttcp dport 0-65535 accept
        \t\ticmp type { echo-reply, echo-request } counter packets 0 bytes 0 accept comment "ping"
        \t}
        }

        """)

    /// What `forward = policy` generates: matches on the connection before DNAT.
    static let forwarded = Fixture(
        table: Table(name: "published", sets: [
            NamedSet(name: "self_v4", keyType: .ipv4Addr, elements: [.address(host("192.0.2.20"))]),
            NamedSet(name: "self_v6", keyType: .ipv6Addr, elements: [.address(host("2001:db8::20"))]),
        ], chains: [
            Chain(name: "forward", hook: BaseChainHook(hook: .forward, priority: -10, policy: .drop), rules: [
                Rule([.address(family: .v4, field: .saddr, match: .range(net("10.0.0.0/24"))), .originalDestination(family: .v4, set: "self_v4"),
                      .originalPort(proto: .tcp, range: PortRange(8080)), .counter(packets: 0, bytes: 0), .verdict(.accept)], comment: "p:3: lb -> web"),
                Rule([.originalDestination(family: .v6, set: "self_v6"), .originalPort(proto: .udp, range: PortRange(1000, 2000)), .verdict(.accept)]),
                Rule([.originalPort(proto: .sctp, range: PortRange(9)), .verdict(.drop)]),
                Rule([.originalDestination(family: .v4, set: "self_v4"), .verdict(.drop)]),
                Rule([.sameLinkRoute, .counter(packets: 0, bytes: 0), .verdict(.accept)]),
            ]),
        ]),
        listing: """
        table inet published {
        \tset self_v4 {
        \t\ttype ipv4_addr
        \t\tflags interval
        \t\telements = { 192.0.2.20 }
        \t}

        \tset self_v6 {
        \t\ttype ipv6_addr
        \t\tflags interval
        \t\telements = { 2001:db8::20 }
        \t}

        \tchain forward {
        \t\ttype filter hook forward priority filter - 10; policy drop;
        \t\tip saddr 10.0.0.0/24 ct original ip daddr @self_v4 meta l4proto tcp ct original proto-dst 8080 counter packets 0 bytes 0 accept comment "p:3: lb -> web"
        \t\tct original ip6 daddr @self_v6 meta l4proto udp ct original proto-dst 1000-2000 accept
        \t\tmeta l4proto sctp ct original proto-dst 9 drop
        \t\tct original ip daddr @self_v4 drop
        \t\tfib daddr . iif oif exists counter packets 0 bytes 0 accept
        \t}
        }

        """)
}
