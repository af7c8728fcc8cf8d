import Foundation
import FwctlNet
import FwctlNetlink
import FwctlPlanner
import FwctlRuleset
import Testing
@testable import FwctlKernel

/// Deltas on the record's file: what a reader makes of a whole record followed by deltas,
/// whole or damaged, and when the store appends one instead of writing the whole record.
@Suite struct AppliedRecordDeltaTests {
    static let v4 = AppliedRecordTests.v4
    static let base = AppliedRecordTests.record   // generation 77
    static let ref = base.table

    /// Generation 77 → 78: one address added to a set, one removed from another, a set
    /// that is not recorded changed too (left out), rules changed (nothing to record).
    static let plan1 = Plan(table: ref, generation: 77, changes: [
        .addElements(set: "role_a_v4", keyType: .ipv4Addr, elements: [v4("10.0.0.2")]),
        .removeElements(set: "protos", keyType: .inetProto, elements: [.proto(6)]),
        .addElements(set: "not_recorded", keyType: .ipv4Addr, elements: [v4("192.0.2.1")]),
        .deleteRule(chain: "input", handle: 9, rule: Rule([.verdict(.accept)])),
    ])
    /// 78 → 79: the address added again is removed, another one added before every other.
    static let plan2 = Plan(table: ref, generation: 78, changes: [
        .removeElements(set: "role_a_v4", keyType: .ipv4Addr, elements: [v4("10.0.0.2")]),
        .addElements(set: "role_a_v4", keyType: .ipv4Addr, elements: [v4("9.0.0.1")]),
    ])
    static let recorded = Set(base.sets.keys)
    static let delta1 = AppliedRecord.Delta(plan: plan1, from: 77, to: 78, recorded: recorded)!
    static let delta2 = AppliedRecord.Delta(plan: plan2, from: 78, to: 79, recorded: recorded)!

    /// What `NetlinkBackend.predict` makes of the same plans: the record a whole rewrite writes.
    static func predicted(_ record: AppliedRecord, _ plan: Plan, to generation: UInt32) -> AppliedRecord {
        var r = record
        r.generation = generation
        let handles = r.sets.mapValues(\.handle)
        r.sets = NetlinkBackend.predict(r.sets, after: plan.changes)
        for (name, handle) in handles { r.sets[name]?.handle = handle }
        return r
    }

    static let after1 = predicted(base, plan1, to: 78)
    static let after2 = predicted(after1, plan2, to: 79)
    static let file = base.encoded() + delta1.section() + delta2.section()

    @Test func deltaHoldsOnlyRecordedSetsAndRefusesStructuralPlans() {
        #expect(Self.delta1.steps.map(\.set) == ["role_a_v4", "protos"])
        for change in [Change.createTable(Self.ref), .deleteSet(name: "ports"), .addSet(NamedSet(name: "n", keyType: .ipv4Addr))] {
            let plan = Plan(table: Self.ref, generation: 77, changes: Self.plan1.changes + [change])
            #expect(AppliedRecord.Delta(plan: plan, from: 77, to: 78, recorded: Self.recorded) == nil, "\(change)")
        }
    }

    @Test func wholeRecordAndDeltasReadAsThePredictedRecord() {
        #expect(Self.after2.sets["role_a_v4"]?.elements == [Self.v4("9.0.0.1"), Self.v4("10.0.0.1"), Self.v4("10.0.0.3")])
        #expect(AppliedRecord(encoded: Self.file) == Self.after2)
        #expect(AppliedRecord(encoded: Self.base.encoded() + Self.delta1.section()) == Self.after1)
        let d = AppliedRecord.decode(Self.file)
        #expect(d?.deltas == 2 && d?.clean == true && d?.baseSize == Self.base.encoded().count)
    }

    /// Every cut inside the deltas, and every changed byte of them, leaves the record of a
    /// whole prefix of the deltas: an older generation (so a full read), never a wrong one.
    @Test func damagedDeltasLeaveAnOlderRecord() {
        let baseSize = Self.base.encoded().count, firstEnd = baseSize + Self.delta1.section().count
        for n in baseSize..<Self.file.count {
            let r = AppliedRecord(encoded: Array(Self.file.prefix(n)))
            #expect(r == (n < firstEnd ? Self.base : Self.after1), "cut at \(n)")
        }
        for i in baseSize..<Self.file.count {
            var b = Self.file
            b[i] ^= 0x10
            let r = AppliedRecord(encoded: b)
            #expect(r == (i < firstEnd ? Self.base : Self.after1), "byte \(i) changed")
            #expect(AppliedRecord.decode(b)?.clean == false)
        }
    }

    @Test func deltaThatDoesNotFollowOnIsIgnoredWithWhatFollows() {
        let skipping = Self.base.encoded() + Self.delta2.section() + Self.delta1.section()
        #expect(AppliedRecord(encoded: skipping) == Self.base)
        #expect(AppliedRecord.decode(skipping)?.clean == false)
    }

    /// A state directory with the base record written by the store.
    final class Dir {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-delta-\(getpid())-\(UUID().uuidString)").path
        let store: AppliedRecordStore
        init() throws {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            store = AppliedRecordStore(directory: path)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test func storeAppendsOnlyToTheFileItLastSaw() throws {
        let dir = try Dir()
        let saved = try #require(dir.store.save(Self.base))
        #expect(dir.store.append(Self.delta2, to: saved) == nil)   // does not start at 77
        let one = try #require(dir.store.append(Self.delta1, to: saved))
        #expect(one.generation == 78)
        #expect(dir.store.load() == Self.after1)
        let loaded = try #require(dir.store.loadWithState())
        #expect(loaded.file == one)
        #expect(dir.store.append(Self.delta1, to: saved) == nil)   // the file grew since `saved`
        // Replaced by another writer (a new inode), even with the same size: not appended to.
        let bytes = try #require(FileManager.default.contents(atPath: dir.store.path))
        try FileManager.default.removeItem(atPath: dir.store.path)
        try bytes.write(to: URL(fileURLWithPath: dir.store.path))
        let replaced = try #require(dir.store.loadWithState()).file
        if replaced.inode != one.inode { #expect(dir.store.append(Self.delta2, to: one) == nil) }
        let two = try #require(dir.store.append(Self.delta2, to: replaced))
        #expect(two.deltas == 2 && dir.store.load() == Self.after2)
    }

    /// Deltas of one address stop at the count limit; deltas of 20 (222 bytes each) at the
    /// 4 KiB floor of the byte limit (the whole record here is small).
    @Test(arguments: [(1, AppliedRecordStore.maxDeltas), (20, 4096 / 222)])
    func storeStopsAppendingWhenDeltasOutgrowTheRecord(perDelta: Int, limit: Int) throws {
        let dir = try Dir()
        var file = try #require(dir.store.save(Self.base))
        var record = Self.base
        var appended = 0
        while appended < 1000 {
            let g = record.generation
            let added = (0..<perDelta).map { SetElement.address(AddressRange(IPAddress.v4(0x0B00_0000 + UInt32(appended * perDelta + $0)))) }
            let add = Plan(table: Self.ref, generation: g, changes: [.addElements(set: "role_a_v4", keyType: .ipv4Addr, elements: added)])
            let delta = try #require(AppliedRecord.Delta(plan: add, from: g, to: g + 1, recorded: Self.recorded))
            guard let next = dir.store.append(delta, to: file) else { break }
            file = next
            record = try #require(record.applying(delta))
            appended += 1
        }
        #expect(appended == limit)
        #expect(dir.store.load() == record)
        // Damage after the record: the file is no longer appended to.
        let handle = try #require(FileHandle(forWritingAtPath: dir.store.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([1, 2, 3, 4, 5]))
        try handle.close()
        let damaged = try #require(dir.store.loadWithState())
        #expect(damaged.record == record && !damaged.file.clean)
        let next = AppliedRecord.Delta(from: record.generation, to: record.generation + 1, steps: [])
        #expect(dir.store.append(next, to: damaged.file) == nil)
    }
}
