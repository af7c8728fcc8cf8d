import FwctlNet
import Testing
@testable import FwctlRuleset

/// Blocks and layout: sets (with nft's element-list wrapping), chains, tables, priorities.
@Suite("NftText tables")
struct NftTextTableTests {
    @Test("a whole table, byte for byte")
    func table() {
        let table = Table(name: "fwctl", sets: [
            NamedSet(name: "web_v4", keyType: .ipv4Addr, comment: "role web",
                     elements: [.address(F.r("192.0.2.1")), .address(F.r("10.1.0.1-10.1.0.9")), .address(F.r("10.0.0.0/24"))]),
            NamedSet(name: "none_v6", keyType: .ipv6Addr),
        ], chains: [
            Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop), rules: [
                Rule([.ctState([.established, .related]), F.accept]),
                Rule([F.saddrSet(.v4, "web_v4"), F.dport(.tcp, 443), F.counter, F.accept], comment: "p.fw:3: web"),
            ]),
            Chain(name: "sub", comment: "helper"),
        ])
        #expect(NftText.render(table) == """
            table inet fwctl {
            \tset web_v4 {
            \t\ttype ipv4_addr
            \t\tflags interval
            \t\tcomment "role web"
            \t\telements = { 10.0.0.0/24, 10.1.0.1-10.1.0.9,
            \t\t\t     192.0.2.1 }
            \t}

            \tset none_v6 {
            \t\ttype ipv6_addr
            \t\tflags interval
            \t}

            \tchain input {
            \t\ttype filter hook input priority filter; policy drop;
            \t\tct state established,related accept
            \t\tip saddr @web_v4 tcp dport 443 counter packets 0 bytes 0 accept comment "p.fw:3: web"
            \t}

            \tchain sub {
            \t\tcomment "helper"
            \t}
            }

            """)
    }

    @Test("an empty table")
    func emptyTable() {
        #expect(NftText.render(Table(name: "fwctl")) == "table inet fwctl {\n}\n")
    }

    static let wrapping: [(NamedSet, String)] = [
        (NamedSet(name: "a", keyType: .ipv6Addr, isInterval: false, elements: [.address(F.r("::1")), .address(F.r("::5")), .address(F.r("fe80::/10"))]),
         "\tset a {\n\t\ttype ipv6_addr\n\t\telements = { ::1,\n\t\t\t     ::5,\n\t\t\t     fe80::/10 }\n\t}\n"),
        (NamedSet(name: "p", keyType: .inetService, elements: (1...12).map { .port(PortRange($0)) }),
         "\tset p {\n\t\ttype inet_service\n\t\tflags interval\n\t\telements = { 1, 2, 3, 4, 5,\n\t\t\t     6, 7, 8, 9, 10,\n\t\t\t     11, 12 }\n\t}\n"),
        (NamedSet(name: "q", keyType: .inetProto, elements: [.proto(17), .proto(6), .proto(253)]),
         "\tset q {\n\t\ttype inet_proto\n\t\tflags interval\n\t\telements = { tcp, udp, 253 }\n\t}\n"),
        (NamedSet(name: "one", keyType: .ipv4Addr, elements: [.address(F.r("10.0.0.0/8"))]),
         "\tset one {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { 10.0.0.0/8 }\n\t}\n"),
    ]

    @Test("set blocks wrap element lists as nft does", arguments: wrapping)
    func setBlock(_ set: NamedSet, expected: String) {
        #expect(NftText.render(set: set) == expected)
    }

    @Test("a long IPv4 list puts two elements on every line")
    func longV4() {
        let set = NamedSet(name: "big", keyType: .ipv4Addr, elements: F.addressElements(.v4, count: 50))
        let lines = NftText.render(set: set).split(separator: "\n").filter { $0.hasPrefix("\t\telements") || $0.hasPrefix("\t\t\t     ") }
        #expect(lines.count == 25)
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: true).count == 2 })
    }

    static let priorities: [(Hook, Int32, String)] = [
        (.input, 0, "filter"), (.input, 10, "filter + 10"), (.output, -5, "filter - 5"),
        (.input, 11, "11"), (.input, -11, "-11"), (.forward, -200, "-200"),
        (.input, -303, "raw - 3"), (.input, -147, "mangle + 3"), (.input, 47, "security - 3"),
        (.prerouting, -95, "dstnat + 5"), (.input, -103, "-103"), (.output, -100, "-100"),
        (.postrouting, 105, "srcnat + 5"), (.input, 100, "100"),
    ]

    @Test("base chain priorities are named as nft names them", arguments: priorities)
    func priority(hook: Hook, priority: Int32, expected: String) {
        let chain = Chain(name: "c", hook: BaseChainHook(hook: hook, priority: priority, policy: .accept))
        #expect(NftText.render(chainHeader: chain) == "chain c {\n\ttype filter hook \(hook.rawValue) priority \(expected); policy accept;")
    }

    @Test("chain header of a regular chain with a comment")
    func regularChainHeader() {
        #expect(NftText.render(chainHeader: Chain(name: "sub", comment: "x")) == "chain sub {\n\tcomment \"x\"")
    }

    @Test("a ruleset is its tables one after another")
    func ruleset() {
        let r = Ruleset(tables: [Table(name: "a"), Table(family: .ip, name: "b")])
        #expect(NftText.render(r) == "table inet a {\n}\ntable ip b {\n}\n")
    }
}

/// Set elements print as nft lists them (sorted by key, each once), whether they come sorted
/// from the compiler (kept as they are) or in any order from a hand-built set.
@Suite struct SortedElementsTests {
    static func a(_ s: String) -> SetElement { .address(AddressRange(IPAddress(s)!)) }

    @Test func sortedInputIsKeptAndAnyOtherOrderIsSortedAndDeduplicated() {
        let sorted = ["192.0.2.1", "192.0.2.3", "198.51.100.7"].map(Self.a)
        #expect(NftText.sortedElements(sorted) == sorted)
        #expect(NftText.sortedElements([sorted[2], sorted[0], sorted[1], sorted[0]]) == sorted)
        #expect(NftText.sortedElements([sorted[0], sorted[0]]) == [sorted[0]])
        #expect(NftText.sortedElements([]) == [])
    }
}
