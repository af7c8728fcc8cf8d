import FwctlNet
import Testing
@testable import FwctlRuleset

/// The byte-level element lists must print exactly what the per-element `String` renderer
/// prints (`render(element:)`, i.e. `AddressRange`/`PortRange` descriptions and protocol
/// names), wrapped as nft wraps them.
@Suite("NftText bytes")
struct NftTextBytesTests {
    /// The element list as it was built before the byte writer: one String per element.
    static func oracle(_ elements: [SetElement], perLine: Int) -> String {
        var s = "{ "
        for (i, e) in elements.enumerated() {
            if i > 0 { s += i % perLine == 0 ? ",\n\t\t\t     " : ", " }
            s += NftText.render(element: e)
        }
        return s + " }"
    }

    static func list(_ elements: [SetElement], _ keyType: SetKeyType) -> String {
        String(decoding: NftText.elementListBytes(elements, keyType: keyType), as: UTF8.self)
    }

    static let cases: [(String, SetKeyType, Int, [SetElement])] = [
        ("IPv4 edges", .ipv4Addr, 2, [
            "0.0.0.0", "0.0.0.0/0", "255.255.255.255", "10.0.0.0/8", "10.0.0.1-10.0.0.9", "192.0.2.0/31",
            "1.2.3.4-255.255.255.254", "100.64.0.0/10", "9.99.199.255",
        ].map { .address(F.r($0)) }),
        ("IPv6 edges", .ipv6Addr, 1, [
            "::", "::/0", "::1", "fe80::/10", "2001:db8::1-2001:db8::ff", "::ffff:192.0.2.1",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            "1111:2222:3333:4444:5555:6666:7777:8888-1111:2222:3333:4444:5555:6666:7777:8889",
        ].map { .address(F.r($0)) }),
        ("ports", .inetService, 5, [PortRange(0), PortRange(1), PortRange(9, 10), PortRange(80), PortRange(443),
                                    PortRange(1000, 65535), PortRange(65535)].map { .port($0) }),
        ("protocols, named and not", .inetProto, 5, [0, 1, 6, 17, 58, 132, 143, 200, 253, 255].map { .proto($0) }),
        // A hand-built set may mix kinds; the buffer is sized per element, never per set.
        ("mixed kinds in an IPv4 set", .ipv4Addr, 2, [
            .address(F.r("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff0-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
            .proto(132), .port(PortRange(1, 65535)), .address(F.r("10.0.0.1")),
        ]),
        ("one element", .ipv4Addr, 2, [.address(F.r("192.0.2.1"))]),
        ("none", .inetService, 5, []),
    ]

    @Test("element lists match the String renderer", arguments: cases)
    func matchesOracle(_ name: String, _ keyType: SetKeyType, _ perLine: Int, _ elements: [SetElement]) {
        #expect(Self.list(elements, keyType) == Self.oracle(elements, perLine: perLine), "\(name)")
    }

    @Test("large generated sets match the String renderer", arguments: [IPFamily.v4, .v6])
    func generated(_ family: IPFamily) {
        let elements = F.addressElements(family, count: 3_000)
        let keyType: SetKeyType = family == .v4 ? .ipv4Addr : .ipv6Addr
        #expect(Self.list(elements, keyType) == Self.oracle(elements, perLine: family == .v4 ? 2 : 1))
    }

    @Test("utf8 of a ruleset is its rendered text; the set cache gives the same text")
    func utf8MatchesRender() {
        let shared = NamedSet(name: "role_web_v4", keyType: .ipv4Addr, elements: F.addressElements(.v4, count: 7))
        let tables = ["a", "b"].map { name in
            Table(name: name, sets: [shared, NamedSet(name: "p", keyType: .inetService, elements: [.port(PortRange(22))])],
                  chains: [Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop),
                                 rules: [Rule([F.saddrSet(.v4, "role_web_v4"), F.counter, F.accept])])])
        }
        let ruleset = Ruleset(tables: tables)
        let text = NftText.render(ruleset)
        #expect(NftText.utf8(ruleset) == Array(text.utf8))
        #expect(text == tables.map { NftText.render($0) }.joined())
        #expect(NftText.render(ruleset, setCache: SetTextCache()) == text)
        #expect(text.contains("\t\telements = { 10.0.0.1, 10.0.1.0/25,\n\t\t\t     10.0.2.3-10.0.2.7, 10.0.3.4,\n"))
    }
}
