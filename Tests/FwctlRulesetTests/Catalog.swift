import FwctlNet
@testable import FwctlRuleset

/// Hand-built tables that together use every `Expression` case, every set key type and
/// set sizes that exercise nft's element-list wrapping. The kernel round-trip tests load
/// each of them; the unit tests pin parts of their text.
enum Catalog {
    /// One rule per expression shape, in a base chain with a non-default priority.
    static let expressions: Table = {
        typealias E = Expression
        let rules: [Rule] = [
            Rule([F.saddrSet(.v4, "web_v4"), F.dport(.tcp, 443), F.counter, F.accept], comment: "p.fw:3: web -> db"),
            Rule([F.saddrSet(.v6, "web_v6"), F.dport(.tcp, 443), F.accept]),
            Rule([.address(family: .v4, field: .daddr, match: .set("web_v4")), F.accept]),
            Rule([F.saddr(.v4, "192.0.2.1"), F.accept]),
            Rule([F.saddr(.v4, "10.0.0.0/8"), F.daddr(.v4, "10.1.0.1-10.1.0.9"), F.drop]),
            Rule([F.daddr(.v6, "2001:db8::/64"), .port(proto: .udp, field: .sport, match: .range(PortRange(30000, 30100))), F.accept]),
            Rule([F.saddr(.v6, "::1"), F.accept]),
            Rule([F.saddr(.v6, "fe80::1-fe80::9"), F.accept]),
            Rule([F.saddrAnon(.v4, ["192.0.2.1", "10.0.0.0/8", "1.2.3.4-1.2.3.9"]), F.dports(.tcp, [(443, 443), (80, 80), (1000, 2000)]), F.accept]),
            Rule([F.saddrAnon(.v6, ["2001:db8::/32", "::ffff:1.2.3.4", "fe80::1-fe80::5"]), F.accept]),
            Rule([F.saddrAnon(.v4, ["10.9.9.9"]), F.dports(.udp, [(53, 53)]), F.accept]),
            Rule([F.dports(.sctp, [(7, 7), (5, 5)]), F.accept]),
            // Anonymous sets nft merges (any range present) or keeps (singles only).
            Rule([F.dports(.tcp, [(1, 1), (2, 2), (3, 3)]), F.accept]),
            Rule([F.dports(.tcp, [(3, 3), (1, 1), (2, 2), (10, 20)]), F.accept]),
            Rule([F.dports(.tcp, [(1, 5), (6, 9)]), F.accept]),
            Rule([F.dports(.udp, [(1, 50), (20, 30), (40, 60), (65535, 65535), (100, 65534)]), F.accept]),
            Rule([F.saddrAnon(.v4, ["10.0.0.1", "10.0.0.2"]), F.accept]),
            Rule([F.saddrAnon(.v4, ["10.0.0.128/25", "10.0.0.0/25"]), F.accept]),
            Rule([F.saddrAnon(.v4, ["10.0.0.0/25", "10.0.0.128/25", "10.0.1.0"]), F.accept]),
            Rule([F.saddrAnon(.v4, ["10.0.0.1", "10.0.0.2", "10.0.0.5-10.0.0.6", "10.0.0.6-10.0.0.9"]), F.accept]),
            Rule([F.saddrAnon(.v6, ["::1", "::2", "::4"]), F.accept]),
            Rule([F.saddrAnon(.v6, ["::/1", "8000::/1"]), F.accept]),
            Rule([F.saddrAnon(.v4, ["255.255.255.255", "255.255.255.0/25", "255.255.255.128-255.255.255.254"]), F.accept]),
            Rule([F.dport(.udp, 0, 65535), F.accept]),
            Rule([F.saddr(.v4, "0.0.0.0/0"), F.accept]),
            Rule([F.saddr(.v6, "::/0"), F.accept]),
            Rule([.l4proto(112), F.accept], comment: "vrrp"),
            Rule([.l4proto(253), F.accept]),
            Rule([.l4proto(0), F.accept]),
            Rule([.l4proto(3), F.accept]),
            Rule([.l4proto(143), F.accept]),
            Rule([.l4proto(58), F.accept]),
            Rule([.l4proto(6), F.saddr(.v4, "1.2.3.4"), F.dport(.tcp, 22), F.accept]),
            Rule([.nfproto(.v4), F.dport(.tcp, 22), F.accept]),
            Rule([.nfproto(.v6), .l4proto(17), F.accept]),
            Rule([.nfproto(.v4), .interface(direction: .iif, name: "lo"), F.saddr(.v4, "1.2.3.4"), F.accept]),
            Rule([.icmpType(family: .v4, types: [8]), F.accept]),
            Rule([.nfproto(.v4), .l4proto(1), .icmpType(family: .v4, types: [8]), F.accept]),
            Rule([.icmpType(family: .v4, types: [8, 0, 3, 11, 200]), F.accept]),
            Rule([.l4proto(58), .icmpType(family: .v6, types: [135, 136, 128, 133, 134, 1, 2, 3, 4, 129, 130, 139]), F.accept]),
            Rule([.ctState([.established, .related]), F.accept]),
            Rule([.ctState(.invalid), F.drop]),
            Rule([.ctState([.new, .untracked, .invalid, .related, .established]), F.accept]),
            Rule([.interface(direction: .iif, name: "lo"), F.accept]),
            Rule([.interface(direction: .oif, name: "lo"), F.accept]),
            Rule([.limit(rate: 5, per: .second, burst: 5), F.accept]),
            Rule([.limit(rate: 10, per: .minute, burst: 20), F.accept]),
            Rule([.limit(rate: 1, per: .hour, burst: 1), .limit(rate: 7, per: .day, burst: 5), .limit(rate: 2, per: .week, burst: 3), F.accept]),
            Rule([.log(prefix: "fwctl drop: ", level: .info), F.drop]),
            Rule([.log(prefix: nil, level: .warn), .log(prefix: nil, level: nil), .log(prefix: "x", level: .debug), F.drop]),
            Rule([.log(prefix: nil, level: .emerg), .log(prefix: nil, level: .alert), .log(prefix: nil, level: .crit),
                  .log(prefix: nil, level: .err), .log(prefix: nil, level: .notice)]),
            Rule([.counter(packets: 0, bytes: 0)]),
            // Shapes the compiler generates.
            Rule([.nfproto(.v4), .l4proto(1), F.counter, F.accept]),
            Rule([.nfproto(.v6), .l4proto(58), F.counter, F.accept]),
            Rule([F.saddrSet(.v4, "web_v4"), .l4proto(1), F.accept]),
            // Dependency elision, both ways (see NftText.render(rule:)).
            Rule([.nfproto(.v4), .interface(direction: .iif, name: "lo"), F.accept]),
            Rule([.nfproto(.v4), .ctState(.new), F.accept]),
            Rule([.nfproto(.v4), .l4proto(58), F.accept]),
            Rule([.nfproto(.v6), .l4proto(1), F.accept]),
            Rule([.nfproto(.v6), .icmpType(family: .v4, types: [8]), F.accept]),
            Rule([F.saddr(.v4, "1.2.3.4"), .nfproto(.v4), F.accept]),
            Rule([F.dport(.tcp, 22), .l4proto(6), F.accept]),
            Rule([.nfproto(.v4), F.dport(.udp, 53), .l4proto(1), F.accept]),
            Rule([.nfproto(.v4), .nfproto(.v4), F.accept]),
            Rule([.l4proto(1), F.saddr(.v4, "1.2.3.4"), .icmpType(family: .v4, types: [0]), F.accept]),
            Rule([F.saddrSet(.v6, "web_v6"), .l4proto(47), F.accept]),
            Rule([.nfproto(.v6), F.dports(.udp, [(53, 53), (5353, 5353)]), F.accept]),
            Rule([.ctState(.new), .limit(rate: 10, per: .minute, burst: 5), .log(prefix: "fwctl drop in: ", level: nil)],
                 comment: "fwctl: log what the policy drops"),
            Rule([F.accept], comment: String(repeating: "c", count: 128)),
            Rule([F.accept], comment: "ünïcødé ✓"),
            Rule([.verdict(.jump("sub"))]),
            Rule([.verdict(.goto("sub"))]),
            Rule([.nfproto(.v6), .verdict(.return)]),
        ]
        return Table(
            name: "fwctl_exprs",
            sets: [
                NamedSet(name: "web_v4", keyType: .ipv4Addr, comment: "role web", elements: F.addressElements(.v4, count: 5)),
                NamedSet(name: "web_v6", keyType: .ipv6Addr, elements: F.addressElements(.v6, count: 5)),
            ],
            chains: [
                Chain(name: "input", hook: BaseChainHook(hook: .input, priority: 10, policy: .drop), rules: rules),
                Chain(name: "sub", rules: [Rule([F.dport(.tcp, 22), .counter(packets: 0, bytes: 0), F.accept])], comment: "jump target"),
                Chain(name: "out", hook: BaseChainHook(hook: .output, priority: -5, policy: .accept)),
                Chain(name: "fw", hook: BaseChainHook(hook: .forward, priority: -200, policy: .accept), rules: [
                    Rule([F.saddrSet(.v4, "web_v4"), .originalDestination(family: .v4, set: "web_v4"),
                          .originalPort(proto: .tcp, range: PortRange(8080)), F.counter, F.accept], comment: "p.fw:9: lb -> web"),
                    Rule([.originalDestination(family: .v6, set: "web_v6"), .originalPort(proto: .udp, range: PortRange(1000, 2000)), F.drop]),
                    Rule([.sameLinkRoute, F.accept]),
                ]),
                Chain(name: "pre", hook: BaseChainHook(hook: .prerouting, priority: -95, policy: .accept)),
                Chain(name: "post", hook: BaseChainHook(hook: .postrouting, priority: 105, policy: .accept)),
                Chain(name: "empty"),
            ]
        )
    }()

    /// Named sets of every key type and of sizes 0, 1, 5, 50 and 500.
    static let sets: Table = {
        var sets: [NamedSet] = []
        for n in [0, 1, 2, 3, 5, 50, 500] {
            sets.append(NamedSet(name: "v4_\(n)", keyType: .ipv4Addr, elements: F.addressElements(.v4, count: n)))
            sets.append(NamedSet(name: "v6_\(n)", keyType: .ipv6Addr, comment: "six \(n)", elements: F.addressElements(.v6, count: n)))
            sets.append(NamedSet(name: "ports_\(n)", keyType: .inetService, elements: F.portElements(count: n)))
        }
        // Adjacent elements stay separate (one per host), also where they would merge into a prefix.
        sets.append(NamedSet(name: "adjacent_v4", keyType: .ipv4Addr, elements: ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4-10.0.0.6", "10.0.0.7", "10.0.0.8/29", "10.0.0.16/28"].map { .address(F.r($0)) }))
        sets.append(NamedSet(name: "adjacent_v6", keyType: .ipv6Addr, elements: ["2001:db8::", "2001:db8::1", "2001:db8::2-2001:db8::3", "2001:db8::4/126"].map { .address(F.r($0)) }))
        sets.append(NamedSet(name: "adjacent_ports", keyType: .inetService, elements: [.port(PortRange(80)), .port(PortRange(81)), .port(PortRange(82, 90)), .port(PortRange(91))]))
        // Edges of the key space: everything, the first and the last values.
        sets.append(NamedSet(name: "all_v4", keyType: .ipv4Addr, elements: [.address(F.r("0.0.0.0/0"))]))
        sets.append(NamedSet(name: "all_v6", keyType: .ipv6Addr, elements: [.address(F.r("::/0"))]))
        sets.append(NamedSet(name: "edges_v4", keyType: .ipv4Addr, elements: ["0.0.0.0", "255.255.255.255", "255.255.255.0-255.255.255.254"].map { .address(F.r($0)) }))
        sets.append(NamedSet(name: "edges_v6", keyType: .ipv6Addr, elements: ["::", "::ffff:1.2.3.4", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff00::/9"].map { .address(F.r($0)) }))
        sets.append(NamedSet(name: "edges_ports", keyType: .inetService, elements: [.port(PortRange(0, 5)), .port(PortRange(65535))]))
        sets.append(NamedSet(name: "protos", keyType: .inetProto, elements: [6, 17, 1, 58, 112, 253, 7].map { .proto($0) }))
        sets.append(NamedSet(name: "hosts", keyType: .ipv4Addr, isInterval: false, elements: [.address(F.r("192.0.2.1"))]))
        return Table(name: "fwctl_sets", sets: sets, chains: [
            Chain(name: "c", rules: [
                Rule([F.saddrSet(.v4, "v4_500"), .port(proto: .tcp, field: .dport, match: .anonymousSet([PortRange(22)])), F.accept]),
            ]),
        ])
    }()

    /// Priority names depend on the family: bridge has its own standard priorities.
    static let otherFamilies: [Table] = [
        Table(family: .ip, name: "fwctl_ip", chains: [
            Chain(name: "in", hook: BaseChainHook(hook: .input, priority: -150, policy: .accept), rules: [Rule([F.saddr(.v4, "10.0.0.0/8"), F.accept])]),
            Chain(name: "pre", hook: BaseChainHook(hook: .prerouting, priority: -300, policy: .accept)),
        ]),
        Table(family: .ip6, name: "fwctl_ip6", chains: [
            Chain(name: "out", hook: BaseChainHook(hook: .output, priority: 52, policy: .accept)),
        ]),
        Table(family: .bridge, name: "fwctl_br", chains: [
            Chain(name: "fw", hook: BaseChainHook(hook: .forward, priority: -200, policy: .accept)),
            Chain(name: "pre", hook: BaseChainHook(hook: .prerouting, priority: -295, policy: .accept)),
            Chain(name: "out", hook: BaseChainHook(hook: .output, priority: 100, policy: .accept)),
            Chain(name: "post", hook: BaseChainHook(hook: .postrouting, priority: 290, policy: .accept)),
            Chain(name: "in", hook: BaseChainHook(hook: .input, priority: 0, policy: .accept)),
        ]),
    ]

    /// Every IP protocol number and every ICMP and ICMPv6 type, so each name nft prints
    /// (or its number, when nft has no name) is checked against nft itself.
    static let names: Table = {
        let all = (0...255).map { UInt8($0) }
        var rules = all.map { Rule([.l4proto($0), F.accept]) }
        rules.append(Rule([.icmpType(family: .v4, types: all), F.accept]))
        rules.append(Rule([.icmpType(family: .v6, types: all), F.accept]))
        return Table(name: "fwctl_names", sets: [
            NamedSet(name: "protos", keyType: .inetProto, isInterval: false, elements: all.map { .proto($0) }),
        ], chains: [Chain(name: "c", rules: rules)])
    }()

    static let all: [Table] = [expressions, sets, names] + otherFamilies
}
