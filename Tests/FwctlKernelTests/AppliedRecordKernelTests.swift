import Foundation
import FwctlNet
import FwctlNetlink
import FwctlPlanner
import FwctlRuleset
import FwctlState
import FwctlTestSupport
import Testing
@testable import FwctlKernel

/// The applied record against a real kernel: whatever changed the kernel behind fwctl's
/// back, a run that has the record reads the truth (falling back to dumping the sets) and
/// plans exactly what a run without it plans.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct AppliedRecordKernelTests {
    /// A host with its state directory prepared, for backends working in its namespace.
    final class Host: TestHost, @unchecked Sendable {
        init() throws {
            try super.init(prefix: "fwctl-record")
            try StateDirectory(path: state).prepare()
        }

        /// A backend as one fwctl run has it: a new socket, the record of `stateDir` (ours by default).
        func run(stateDir: String? = nil, refresh: Bool = false) throws -> NetlinkBackend {
            let b = try NetlinkBackend(netnsPath: netnsPath)
            b.records = AppliedRecordStore(directory: stateDir ?? state)
            b.refresh = refresh
            return b
        }
    }

    /// Addresses as "a" or "a-b".
    static func element(_ s: String) -> SetElement {
        let parts = s.split(separator: "-").map { IPAddress(String($0))! }
        return .address(AddressRange(lower: parts[0], upper: parts.last!))
    }

    static func table(_ hosts: [String], web: [String] = ["198.51.100.7"]) -> Table {
        var t = SampleTable.lbToWeb(lbHosts: [])
        t.sets[0].elements = hosts.map(element)
        t.sets.append(NamedSet(name: "role_web_v4", keyType: .ipv4Addr, comment: "role web", elements: web.map(element)))
        return t
    }

    static let base = table(["192.0.2.10", "192.0.2.11"])
    static let grown = table(["192.0.2.10", "192.0.2.11", "192.0.2.12"])

    /// After an apply, the next run reads every set from the record, and what it reads is
    /// exactly what a full dump reads (handles and counters included).
    @Test func recordAfterApplyMatchesTheKernel() throws {
        let h = try Host()
        for desired in [Self.base, Self.grown, Self.table(["192.0.2.0-192.0.2.255", "192.0.3.0-192.0.3.9", "192.0.3.10"], web: []), Self.base] {
            let a = try h.run()
            _ = try a.apply(try a.plan(toward: desired))
            let b = try h.run()
            let fast = try b.read(table: desired.ref)
            #expect(b.lastRead?.read.reused == ["role_lb_v4", "role_web_v4"])
            let full = try h.run(refresh: true).read(table: desired.ref)
            #expect(fast.generation == full.generation)
            #expect(fast.table == full.table)
            #expect(try b.plan(toward: desired).isEmpty)
        }
    }

    /// Kernel changes behind fwctl's back. Each must make the next run dump the sets, and
    /// plan as a run without any record does.
    enum Interference: String, CaseIterable, CustomTestStringConvertible {
        case elementAddedByHand, elementDeletedByHand, tableDeleted, tableReloadedByNft, otherTableChanged
        case recordTruncated, recordByteFlipped, recordEmpty
        // What fwctl does not model (docs/FAST-PATHS.md: none of it may hide behind the record).
        case tableMadeDormant, elementCommented, counterObjectAdded, setReloadedConstant, setReloadedWithSize
        var testDescription: String { rawValue }
    }

    @Test(arguments: Interference.allCases)
    func changedKernelOrRecordFallsBackToAFullRead(_ what: Interference) throws {
        let h = try Host()
        let a = try h.run()
        _ = try a.apply(try a.plan(toward: Self.base))
        let store = AppliedRecordStore(directory: h.state)
        let bytes = [UInt8](try #require(FileManager.default.contents(atPath: store.path)))
        switch what {
        case .elementAddedByHand: try h.ns.nft(["add", "element", "inet", "fwctl", "role_lb_v4", "{ 192.0.2.99 }"])
        case .elementDeletedByHand: try h.ns.nft(["delete", "element", "inet", "fwctl", "role_web_v4", "{ 198.51.100.7 }"])
        case .tableDeleted: try h.ns.nft(["delete", "table", "inet", "fwctl"])
        case .tableReloadedByNft:
            try h.ns.nft(["delete", "table", "inet", "fwctl"])
            try h.ns.nft(["-f", "-"], stdin: NftText.render(Self.table(["192.0.2.10", "192.0.2.11", "192.0.2.13"])))
        case .otherTableChanged: try h.ns.nft(["add", "table", "ip", "other"])
        case .recordTruncated: try Data(bytes.prefix(bytes.count - 20)).write(to: URL(fileURLWithPath: store.path))
        case .recordByteFlipped:
            var damaged = bytes
            damaged[damaged.count / 2] ^= 0x01
            try Data(damaged).write(to: URL(fileURLWithPath: store.path))
        case .recordEmpty: try Data().write(to: URL(fileURLWithPath: store.path))
        case .tableMadeDormant: try h.ns.nft(["add", "table", "inet", "fwctl", "{ flags dormant; }"])
        case .elementCommented:
            try h.ns.nft(["-f", "-"], stdin: "delete element inet fwctl role_lb_v4 { 192.0.2.10 }\n"
                          + "add element inet fwctl role_lb_v4 { 192.0.2.10 comment \"x\" }\n")
        case .counterObjectAdded: try h.ns.nft(["add", "counter", "inet", "fwctl", "c1"])
        case .setReloadedConstant, .setReloadedWithSize:
            let header = what == .setReloadedConstant ? "flags constant,interval" : "flags interval\n\t\tsize 8"
            let text = NftText.render(Self.base).replacingOccurrences(of: "flags interval\n\t\tcomment \"role lb\"",
                                                                       with: header + "\n\t\tcomment \"role lb\"")
            try h.ns.nft(["-f", "-"], stdin: "delete table inet fwctl\n" + text)
        }
        let withRecord = try h.run()
        let plan = try withRecord.plan(toward: Self.grown)
        #expect(withRecord.lastRead?.read.reused == [])
        let truth = try h.run(refresh: true).plan(toward: Self.grown)
        #expect(plan == truth)
        _ = try withRecord.apply(plan)
        // A set re-created by the plan is listed last (nft lists sets in creation order).
        #expect(Self.blocks(try h.ns.nft(["list", "table", "inet", "fwctl"])) == Self.blocks(NftText.render(Self.grown)))
        // And the record written after that apply is right again.
        let next = try h.run()
        #expect(try next.plan(toward: Self.grown).isEmpty)
        #expect(next.lastRead?.read.reused == ["role_lb_v4", "role_web_v4"])
    }

    /// A listing's blocks (table head, each set, each chain), order aside.
    static func blocks(_ listing: String) -> [String] {
        var blocks: [[Substring]] = [[]]
        for line in normaliseCounters(listing).split(separator: "\n") {
            if line.hasPrefix("\tset ") || line.hasPrefix("\tchain ") { blocks.append([]) }
            blocks[blocks.count - 1].append(line)
        }
        return blocks.map { $0.joined(separator: "\n") }.sorted()
    }

    /// Two namespaces sharing one state directory, at the same generation with the same
    /// handles but different elements: the record of one is never used for the other.
    @Test func anotherNamespaceWithTheSameStateDirectory() throws {
        let one = try Host(), two = try Host()
        let a = try one.run()
        _ = try a.apply(try a.plan(toward: Self.base))
        // The same history in the second namespace, without a record, then the same steps.
        let other = Self.table(["203.0.113.1"])
        let b = try two.run()
        b.records = nil
        _ = try b.apply(try b.plan(toward: other))
        #expect(try b.read(table: other.ref).generation == (try a.read(table: Self.base.ref).generation))

        let c = try two.run(stateDir: one.state)
        let read = try #require(try c.read(table: other.ref).table)
        #expect(c.lastRead?.read.reused == [])
        #expect(read.set(named: "role_lb_v4")?.elements == other.set(named: "role_lb_v4")?.elements)
        #expect(try c.plan(toward: other).isEmpty)
    }

    /// A prefetched read serves only a read of the same table; a guess of the wrong table is
    /// dropped, and a prefetch nobody reads does not stand in the way of other calls.
    @Test func prefetchServesOnlyTheTableAsked() throws {
        let h = try Host()
        let a = try h.run()
        _ = try a.apply(try a.plan(toward: Self.base))
        let guessedWrong = try h.run()
        guessedWrong.prefetch(TableRef(family: .inet, name: "other"))
        #expect(try guessedWrong.read(table: Self.base.ref).table?.set(named: "role_lb_v4")?.elements.count == 2)
        let guessedRight = try h.run()
        #expect(guessedRight.likelyTable() == Self.base.ref)
        guessedRight.prefetch(guessedRight.likelyTable())
        try h.ns.nft(["add", "element", "inet", "fwctl", "role_web_v4", "{ 198.51.100.8 }"])
        // Read before the element was added or after: either way a consistent read, and the
        // apply of a plan made on an older one is refused by the kernel.
        let plan = try guessedRight.plan(toward: Self.grown)
        let truth = try h.run(refresh: true).plan(toward: Self.grown)
        if plan != truth { #expect(throws: BackendError.self) { try guessedRight.apply(plan) } }
        let unused = try h.run()
        unused.prefetch(Self.base.ref)
        _ = try unused.otherBaseChains(excluding: Self.base.ref)
        _ = try unused.apply(try unused.plan(toward: Self.grown))
        #expect(try h.run(refresh: true).plan(toward: Self.grown).isEmpty)
    }

    /// A rule fwctl does not model in the table: the record is not trusted.
    @Test func unknownRuleDisablesTheRecord() throws {
        let h = try Host()
        let a = try h.run()
        _ = try a.apply(try a.plan(toward: Self.base))
        try h.ns.nft(["add", "rule", "inet", "fwctl", "input", "meta", "mark", "0x2a", "accept"])
        let b = try h.run()
        _ = try b.read(table: Self.base.ref)   // full read (generation moved); records again
        let c = try h.run()
        _ = try c.read(table: Self.base.ref)
        #expect(c.lastRead?.read.reused == [])
        #expect(try c.plan(toward: Self.base).changes.count == 1)
    }

    /// An apply that only changes elements appends a delta to the record file instead of
    /// rewriting it; the record it amounts to is what a full dump reads.
    @Test func elementOnlyApplyAppendsADelta() throws {
        let h = try Host()
        let a = try h.run()
        _ = try a.apply(try a.plan(toward: Self.base))
        let store = AppliedRecordStore(directory: h.state)
        let whole = try #require(store.loadWithState())
        #expect(whole.file.deltas == 0)
        let b = try h.run()
        _ = try b.apply(try b.plan(toward: Self.grown))
        let after = try #require(store.loadWithState())
        #expect(after.file.deltas == 1 && after.file.inode == whole.file.inode && after.file.clean)
        let full = try h.run(refresh: true)
        _ = try full.read(table: Self.grown.ref)
        let read = try #require(full.lastRead?.read.table)
        #expect(after.record.generation == full.lastRead?.read.generation)
        for set in read.sets {
            #expect(after.record.sets[set.name]?.elements == set.elements, "\(set.name)")
            #expect(after.record.sets[set.name]?.handle == set.handle, "\(set.name)")
        }
    }

    /// Damage to the deltas of the record file.
    enum DeltaDamage: String, CaseIterable, CustomTestStringConvertible {
        case lastDeltaCut, lastDeltaByteFlipped, garbageAfterDeltas
        var testDescription: String { rawValue }
    }

    /// A damaged delta leaves a record of an older generation: the next run dumps every set
    /// and plans what a run without a record plans. Bytes after whole deltas do not make the
    /// record wrong (it is still used), but the file is then rewritten, never appended to.
    @Test(arguments: DeltaDamage.allCases)
    func damagedDeltaFallsBackToAFullRead(_ damage: DeltaDamage) throws {
        let h = try Host()
        for desired in [Self.base, Self.grown] {
            let a = try h.run()
            _ = try a.apply(try a.plan(toward: desired))
        }
        let store = AppliedRecordStore(directory: h.state)
        var bytes = [UInt8](try #require(FileManager.default.contents(atPath: store.path)))
        #expect(try #require(store.loadWithState()).file.deltas == 1)
        switch damage {
        case .lastDeltaCut: bytes.removeLast(3)
        case .lastDeltaByteFlipped: bytes[bytes.count - 12] ^= 0x01
        case .garbageAfterDeltas: bytes += [0, 0, 0]
        }
        try Data(bytes).write(to: URL(fileURLWithPath: store.path))
        let third = Self.table(["192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.13"])
        let withRecord = try h.run()
        let plan = try withRecord.plan(toward: third)
        #expect(withRecord.lastRead?.read.reused == (damage == .garbageAfterDeltas ? ["role_lb_v4", "role_web_v4"] : []))
        // The truth from a run that leaves the record file alone (the host lock keeps other
        // runs out between this run's read and its apply; a file replaced meanwhile would
        // only be rewritten whole, not appended to).
        let truth = try h.run(refresh: true)
        truth.records = nil
        #expect(plan == (try truth.plan(toward: third)))
        _ = try withRecord.apply(plan)
        let next = try h.run()
        #expect(try next.plan(toward: third).isEmpty)
        #expect(next.lastRead?.read.reused == ["role_lb_v4", "role_web_v4"])
        let file = try #require(store.loadWithState()).file
        #expect(file.clean && file.deltas == (damage == .garbageAfterDeltas ? 0 : 1), "\(file)")
    }
}
