import Foundation
import FwctlNet
import FwctlPlanner
import FwctlRuleset
import Testing
@testable import FwctlKernel
@testable import FwctlNetlink

/// The record's and the compiled-table cache's files: exact round trips, and anything
/// damaged or truncated read as "nothing recorded" rather than as something wrong.
@Suite struct AppliedRecordTests {
    static func v4(_ s: String) -> SetElement { .address(AddressRange(IPAddress(s)!)) }

    static let record = AppliedRecord(
        place: .init(bootID: "0b1c", cookie: 4096, device: 4, inode: 4026531840),
        table: TableRef(family: .inet, name: "fwctl"), generation: 77, tableHandle: 3,
        sets: ["role_a_v4": .init(handle: 5, keyType: .ipv4Addr, isInterval: true, elements: [v4("10.0.0.1"), v4("10.0.0.3")]),
               "role_a_v6": .init(handle: 6, keyType: .ipv6Addr, isInterval: true,
                                  elements: [.address(AddressRange(lower: IPAddress("2001:db8::")!, upper: IPAddress("2001:db8::ff")!))]),
               "ports": .init(handle: 7, keyType: .inetService, isInterval: true, elements: [.port(PortRange(80, 81))]),
               "protos": .init(handle: 8, keyType: .inetProto, isInterval: false, elements: [.proto(6), .proto(17)])])

    @Test func recordRoundTrips() {
        #expect(AppliedRecord(encoded: Self.record.encoded()) == Self.record)
        var noCookie = Self.record
        noCookie.place.cookie = nil
        #expect(AppliedRecord(encoded: noCookie.encoded()) == noCookie)
    }

    /// Every truncation and every single flipped bit is refused.
    @Test func damagedRecordIsNoRecord() {
        let bytes = Self.record.encoded()
        for n in 0..<bytes.count { #expect(AppliedRecord(encoded: Array(bytes.prefix(n))) == nil, "truncated to \(n)") }
        for i in bytes.indices {
            var b = bytes
            b[i] ^= 0x10
            #expect(AppliedRecord(encoded: b) == nil, "byte \(i) changed")
        }
    }

    @Test func recordAppliesOnlyToItsTableAndPlace() {
        let r = Self.record
        #expect(r.known(for: r.table, at: r.place)?.generation == 77)
        #expect(r.known(for: TableRef(family: .ip, name: "fwctl"), at: r.place) == nil)
        for change in [\AppliedRecord.Place.device, \.inode] {
            var p = r.place
            p[keyPath: change] += 1
            #expect(r.known(for: r.table, at: p) == nil)
        }
        var p = r.place
        p.cookie = 4097
        #expect(r.known(for: r.table, at: p) == nil)
        p = r.place
        p.bootID = "0b1d"
        #expect(r.known(for: r.table, at: p) == nil)
    }

    /// A known entry is used only at its generation, for its table and set handles and types.
    @Test(arguments: [
        (77, 3, 5, SetKeyType.ipv4Addr, true, true),
        (78, 3, 5, .ipv4Addr, true, false),
        (77, 4, 5, .ipv4Addr, true, false),
        (77, 3, 9, .ipv4Addr, true, false),
        (77, 3, 5, .ipv6Addr, true, false),
        (77, 3, 5, .ipv4Addr, false, false),
    ] as [(UInt32, UInt64, UInt64, SetKeyType, Bool, Bool)])
    func knownEntryConditions(generation: UInt32, table: UInt64, handle: UInt64, keyType: SetKeyType, interval: Bool, used: Bool) {
        let known = Self.record.known(for: Self.record.table, at: Self.record.place)!
        let e = known.elements(of: "role_a_v4", generation: generation, table: table, handle: handle, keyType: keyType, interval: interval)
        #expect((e != nil) == used)
    }

    /// The sets a commit leaves: the base changed by the plan, in the kernel's order.
    @Test func predictionFollowsThePlan() {
        let base: [String: KnownSetElements.Entry] = [
            "a": .init(handle: nil, keyType: .ipv4Addr, isInterval: true, elements: [Self.v4("10.0.0.1"), Self.v4("10.0.0.5")]),
            "gone": .init(handle: nil, keyType: .ipv4Addr, isInterval: true, elements: [Self.v4("10.0.0.9")]),
        ]
        let changes: [Change] = [
            .deleteSet(name: "gone"),
            .addSet(NamedSet(name: "new", keyType: .ipv4Addr, elements: [Self.v4("10.1.0.2"), Self.v4("10.1.0.1")])),
            .removeElements(set: "a", keyType: .ipv4Addr, elements: [Self.v4("10.0.0.5")]),
            .addElements(set: "a", keyType: .ipv4Addr, elements: [Self.v4("10.0.0.7"), Self.v4("10.0.0.0")]),
        ]
        let p = NetlinkBackend.predict(base, after: changes)
        #expect(Set(p.keys) == ["a", "new"])
        #expect(p["a"]?.elements == [Self.v4("10.0.0.0"), Self.v4("10.0.0.1"), Self.v4("10.0.0.7")])
        #expect(p["new"]?.elements == [Self.v4("10.1.0.1"), Self.v4("10.1.0.2")])
    }
}
