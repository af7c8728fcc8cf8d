import Foundation
import FwctlNet
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlNetlink

/// The attribute-level element decoder against libnftnl's, on the same dump messages of sets
/// nft loaded: the same ranges for every kind of set fwctl models, and a refusal (so the
/// caller falls back to libnftnl) for elements carrying anything else.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: creates network namespaces and changes their nftables rulesets"))
struct ElementDumpDecoderTests {
    static let ruleset = """
        table inet t {
        \tset v4 { type ipv4_addr; flags interval; elements = { 0.0.0.0, 10.0.0.0/8, 11.0.0.0-11.0.0.9, 11.0.0.10, 192.0.2.1, 255.255.255.0/24 } }
        \tset v6 { type ipv6_addr; flags interval; elements = { ::1, 2001:db8::/32, ff00::/8 } }
        \tset ports { type inet_service; flags interval; elements = { 22, 80-89, 65535 } }
        \tset single { type ipv4_addr; elements = { 192.0.2.7, 198.51.100.1 } }
        \tset empty { type ipv4_addr; flags interval; }
        \tset timed { type ipv4_addr; flags interval, timeout; elements = { 192.0.2.0/24 timeout 1h } }
        }
        """

    static func messages(_ c: NftConnection, _ set: String) throws -> [NetlinkMessage] {
        try c.request(NftMsg.getSetElem, family: .inet, flags: NftMsg.dump,
                      object: try NftnlBuild.setRef(TableRef(family: .inet, name: "t"), name: set), elements: true,
                      operation: "dump \(set)").messages
    }

    @Test(arguments: [("v4", true), ("v6", true), ("ports", true), ("single", false), ("empty", true)])
    func sameRangesAsLibnftnl(set: String, interval: Bool) throws {
        try ScratchNamespace.with { ns in
            try ns.nft("-f", "-", input: Self.ruleset)
            let c = try NftConnection(netnsPath: ns.path)
            let messages = try Self.messages(c, set)
            var slow: [KernelSetElement] = []
            for m in messages { slow += try TableDecoder.elements(m) }
            let (keys, length) = try #require(ElementDumpDecoder.keys(messages))
            let fast = SetElementCodec.ranges(keys: keys.map { ($0.value, $0.isEnd) }, keyLength: length, interval: interval)
            #expect(fast == SetElementCodec.ranges(slow, interval: interval))
            #expect(set == "empty" ? fast.isEmpty : !fast.isEmpty)
        }
    }

    /// Records the dump messages of every set above for `RecordedElementDumpTests` (no root
    /// needed there): only with `FWCTL_RECORD=1`, and then it fails, so nobody records by accident.
    @Test(.enabled(if: RecordedElementDumpTests.recording, "records only with FWCTL_RECORD=1"))
    func recordDumps() throws {
        try ScratchNamespace.with { ns in
            try ns.nft("-f", "-", input: Self.ruleset)
            let c = try NftConnection(netnsPath: ns.path)
            var text = "# GETSETELEM dump messages of ElementDumpDecoderTests.ruleset, as nft 1.0.6 loaded it: SET HEX per message.\n"
            for set in ["v4", "v6", "ports", "single", "empty", "timed"] {
                for m in try Self.messages(c, set) { text += set + " " + m.bytes.map { String(format: "%02x", $0) }.joined() + "\n" }
            }
            try text.write(to: RecordedElementDumpTests.file, atomically: true, encoding: .utf8)
        }
        Issue.record("recorded \(RecordedElementDumpTests.file.lastPathComponent); unset FWCTL_RECORD and run again")
    }

    @Test func elementsWithTimeoutsAreLeftToLibnftnl() throws {
        try ScratchNamespace.with { ns in
            try ns.nft("-f", "-", input: Self.ruleset)
            let c = try NftConnection(netnsPath: ns.path)
            #expect(ElementDumpDecoder.keys(try Self.messages(c, "timed")) == nil)
            // And the table still reads, through libnftnl, with the element.
            let t = try #require(try c.readTable(family: .inet, name: "t").table)
            #expect(t.set(named: "timed")?.elements.count == 1)
            #expect(t.set(named: "v4")?.elements.count == 6)
        }
    }
}
