import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlState

/// The state files' binary form: a table reads back as written, whatever its sets hold.
@Suite struct SnapshotCodingTests {
    static func v4(_ i: UInt32) -> SetElement { .address(AddressRange(lower: .v4(0x0A00_0000 + i * 4), upper: .v4(0x0A00_0000 + i * 4 + 1))) }
    static let v6: SetElement = .address(AddressRange(.v6(0x2001_0db8 << 96 | 1)))

    static func roundTrip(_ table: Table) -> Table? {
        var w = SnapshotWriter()
        w.table(table)
        var r = SnapshotReader(unchecked: w.bytes)
        let read = r.table()
        return r.isAtEnd ? read : nil
    }

    @Test func everyKindOfSetReadsBack() {
        let table = Table(name: "fwctl", sets: [
            NamedSet(name: "big_v4", keyType: .ipv4Addr, elements: (0..<1000).map(Self.v4)),
            NamedSet(name: "empty_v4", keyType: .ipv4Addr),
            NamedSet(name: "hosts_v6", keyType: .ipv6Addr, elements: [Self.v6]),
            NamedSet(name: "ports", keyType: .inetService, elements: [.port(PortRange(80)), .port(PortRange(8000, 8080))]),
            NamedSet(name: "in_ports", keyType: .protoService, isInterval: false, elements: [.dispatch(proto: 6, port: 443, verdict: .jump("in_tcp_443"))]),
        ])
        #expect(Self.roundTrip(table) == table)
    }

    /// The IPv4 fast path writes exactly the bytes `element` writes for each range.
    @Test func ipv4RangesAreWrittenAsElementsAre() {
        let elements = (0..<50).map(Self.v4)
        var fast = SnapshotWriter()
        fast.table(Table(name: "t", sets: [NamedSet(name: "s", keyType: .ipv4Addr, elements: elements)]))
        var slow = SnapshotWriter()
        slow.table(Table(name: "t", sets: [NamedSet(name: "s", keyType: .ipv4Addr, elements: [])]))
        var each = SnapshotWriter()
        for e in elements { each.element(e) }
        // The fast table's bytes are the empty table's with the elements' bytes where the count was 0.
        #expect(fast.bytes.count == slow.bytes.count + each.bytes.count)
        #expect(fast.bytes.firstRange(of: each.bytes) != nil)
    }

    /// A set of IPv4 ranges with one element of another kind goes the general way.
    @Test func aMixedSetReadsBack() {
        let table = Table(name: "fwctl", sets: [NamedSet(name: "mixed", keyType: .ipv4Addr, elements: [Self.v4(1), Self.v6, Self.v4(2)])])
        #expect(Self.roundTrip(table) == table)
    }
}
