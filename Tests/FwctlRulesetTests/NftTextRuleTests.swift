import FwctlNet
import Testing
@testable import FwctlRuleset

/// One-line rule rendering, case by case. Every expected string was checked against what
/// nft 1.0.6 lists for the same rule (the kernel round-trip suite re-checks them all).
@Suite("NftText rules")
struct NftTextRuleTests {
    static let cases: [(Rule, String)] = [
        (Rule([F.saddrSet(.v4, "web_v4"), F.dport(.tcp, 443), F.counter, F.accept], comment: "p.fw:3: web -> db"),
         "ip saddr @web_v4 tcp dport 443 counter packets 0 bytes 0 accept comment \"p.fw:3: web -> db\""),
        (Rule([F.daddr(.v6, "2001:db8::/64"), .port(proto: .udp, field: .sport, match: .range(PortRange(30000, 30100))), F.accept]),
         "ip6 daddr 2001:db8::/64 udp sport 30000-30100 accept"),
        (Rule([F.saddr(.v4, "10.1.0.1-10.1.0.9"), F.drop]), "ip saddr 10.1.0.1-10.1.0.9 drop"),
        (Rule([F.saddr(.v4, "0.0.0.0/0"), F.accept]), "ip saddr 0.0.0.0/0 accept"),
        (Rule([F.saddrAnon(.v4, ["192.0.2.1", "10.0.0.0/8", "1.2.3.4-1.2.3.9"]), F.dports(.tcp, [(443, 443), (80, 80), (1000, 2000)]), F.accept]),
         "ip saddr { 1.2.3.4-1.2.3.9, 10.0.0.0/8, 192.0.2.1 } tcp dport { 80, 443, 1000-2000 } accept"),
        (Rule([F.saddrAnon(.v6, ["fe80::/10", "::ffff:1.2.3.4"]), F.accept]), "ip6 saddr { ::ffff:1.2.3.4, fe80::/10 } accept"),
        (Rule([F.saddrAnon(.v4, ["10.9.9.9"]), F.dports(.udp, [(53, 53)]), F.accept]), "ip saddr 10.9.9.9 udp dport 53 accept"),
        (Rule([.l4proto(112), F.accept]), "meta l4proto vrrp accept"),
        (Rule([.l4proto(253), F.accept]), "meta l4proto 253 accept"),
        (Rule([.l4proto(0), F.accept]), "meta l4proto ip accept"),
        (Rule([.nfproto(.v4), F.dport(.tcp, 22), F.accept]), "meta nfproto ipv4 tcp dport 22 accept"),
        (Rule([.nfproto(.v4), .interface(direction: .iif, name: "lo"), F.saddr(.v4, "1.2.3.4"), F.accept]),
         "iif \"lo\" ip saddr 1.2.3.4 accept"),
        (Rule([.l4proto(6), F.saddr(.v4, "1.2.3.4"), F.dport(.tcp, 22), F.accept]), "ip saddr 1.2.3.4 tcp dport 22 accept"),
        (Rule([.nfproto(.v4), .l4proto(1), F.accept]), "meta l4proto icmp accept"),
        (Rule([.nfproto(.v6), .l4proto(58), F.accept]), "meta l4proto ipv6-icmp accept"),
        (Rule([.nfproto(.v4), .l4proto(58), F.accept]), "meta nfproto ipv4 meta l4proto ipv6-icmp accept"),
        (Rule([F.dport(.tcp, 22), .l4proto(6), F.accept]), "tcp dport 22 meta l4proto tcp accept"),
        (Rule([.nfproto(.v6), F.saddr(.v4, "1.2.3.4")]), "meta nfproto ipv6 ip saddr 1.2.3.4"),
        (Rule([.nfproto(.v4), .l4proto(1), .icmpType(family: .v4, types: [8]), F.accept]), "icmp type echo-request accept"),
        (Rule([.icmpType(family: .v4, types: [8, 0, 3, 200, 8]), F.accept]),
         "icmp type { echo-reply, destination-unreachable, echo-request, 200 } accept"),
        (Rule([.icmpType(family: .v6, types: [136, 135, 1, 128, 139]), F.accept]),
         "icmpv6 type { destination-unreachable, echo-request, nd-neighbor-solicit, nd-neighbor-advert, 139 } accept"),
        (Rule([.ctState([.related, .established]), F.accept]), "ct state established,related accept"),
        (Rule([.ctState([.new, .untracked, .invalid]), F.accept]), "ct state invalid,new,untracked accept"),
        (Rule([.interface(direction: .oif, name: "lo"), F.accept]), "oif \"lo\" accept"),
        (Rule([.limit(rate: 5, per: .second, burst: 5), F.accept]), "limit rate 5/second accept"),
        (Rule([.limit(rate: 10, per: .minute, burst: 20), F.accept]), "limit rate 10/minute burst 20 packets accept"),
        (Rule([.log(prefix: "fwctl drop: ", level: .info), F.drop]), "log prefix \"fwctl drop: \" level info drop"),
        (Rule([.log(prefix: nil, level: .warn), F.drop]), "log drop"),
        (Rule([.log(prefix: "x", level: nil), .verdict(.jump("sub"))]), "log prefix \"x\" jump sub"),
        (Rule([.counter(packets: 12, bytes: 3400), .verdict(.goto("sub"))]), "counter packets 12 bytes 3400 goto sub"),
        (Rule([.nfproto(.v6), .verdict(.return)]), "meta nfproto ipv6 return"),
        (Rule([.unknown("meta mark 0x00000001"), F.drop]), "meta mark 0x00000001 drop"),
        (Rule([], comment: "empty"), "comment \"empty\""),
    ]

    @Test("rule renders as nft lists it", arguments: cases)
    func rule(_ rule: Rule, expected: String) {
        #expect(NftText.render(rule: rule) == expected)
    }

    static let elements: [(SetElement, String)] = [
        (.address(F.r("10.0.0.0/24")), "10.0.0.0/24"),
        (.address(F.r("10.1.0.1-10.1.0.9")), "10.1.0.1-10.1.0.9"),
        (.address(F.r("10.0.0.0-10.0.1.255")), "10.0.0.0/23"),
        (.address(F.r("192.0.2.1")), "192.0.2.1"),
        (.address(F.r("2001:db8::/32")), "2001:db8::/32"),
        (.address(F.r("2001:db8::1-2001:db8::5")), "2001:db8::1-2001:db8::5"),
        (.port(PortRange(443)), "443"),
        (.port(PortRange(1000, 2000)), "1000-2000"),
        (.proto(6), "tcp"),
        (.proto(253), "253"),
    ]

    @Test("set element renders as nft lists it", arguments: elements)
    func element(_ element: SetElement, expected: String) {
        #expect(NftText.render(element: element) == expected)
    }
}
