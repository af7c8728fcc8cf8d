import Foundation
import FwctlKernel
import FwctlLog
import FwctlNet
import FwctlPlanner
import FwctlRuleset
import FwctlState
import Testing
@testable import FwctlApply

/// `fwctl restore`'s decisions without a kernel (the in-memory backend): the confirmed table
/// comes back, never a pending one; a missing or damaged state falls back to the policy;
/// with neither, nothing changes and the error says what to do; every run is logged.
@Suite struct BootRestoreTests {
    static let ref = TableRef(name: "fwctl")

    static func table(_ port: UInt16, hosts: [String] = ["192.0.2.10"]) -> Table {
        Table(name: "fwctl", comment: Table.ownershipComment, sets: [
            NamedSet(name: "role_web_v4", keyType: .ipv4Addr, elements: hosts.map { .address(AddressRange(IPAddress($0)!)) }),
        ], chains: [
            Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop), rules: [
                Rule([.address(family: .v4, field: .saddr, match: .set("role_web_v4")),
                      .port(proto: .tcp, field: .dport, match: .range(PortRange(port))),
                      .counter(packets: 0, bytes: 0), .verdict(.accept)], comment: "p.policy:\(port): allow"),
            ]),
        ])
    }

    static let confirmed = table(443, hosts: ["192.0.2.10", "192.0.2.11"])
    static let pendingTable = table(8443)
    static let policyTable = table(22)

    struct Fixture {
        let dir: String
        let backend = InMemoryBackend()
        var state: StateDirectory { StateDirectory(path: dir) }
        var log: ApplyLog { ApplyLog(path: dir + "/apply-log.jsonl") }

        init() throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-restore-\(getpid())-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }

        func restore(policy: Result<Table, ApplyError> = .success(BootRestoreTests.policyTable)) throws -> BootRestore.Outcome {
            let recorder = ApplyRecorder(log: log, host: "web-01", actor: .init(user: "root", uid: 0))
            return try BootRestore(backend: backend, state: state, recorder: recorder)
                .run(policyPath: "/etc/fwctl/policy") { try policy.get() }
        }

        func loaded() -> Table? { (try? backend.read(table: BootRestoreTests.ref))?.table }

        func cleanUp() { try? FileManager.default.removeItem(atPath: dir) }
    }

    @Test func confirmedTableRoundTripsAndDamageIsSeen() throws {
        let f = try Fixture()
        defer { f.cleanUp() }
        guard case .missing = ConfirmedTable.load(stateDirectory: f.dir) else { Issue.record("expected missing"); return }
        try ConfirmedTable.save(Self.confirmed, host: "web-01", stateDirectory: f.dir)
        guard case .found(let kept) = ConfirmedTable.load(stateDirectory: f.dir) else { Issue.record("expected found"); return }
        #expect(kept.table == Self.confirmed)
        #expect(kept.host == "web-01")
        let path = ConfirmedTable.path(stateDirectory: f.dir)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        guard case .damaged(let reason) = ConfirmedTable.load(stateDirectory: f.dir) else { Issue.record("expected damaged"); return }
        #expect(reason.contains("damaged"))
    }

    @Test func restoresTheConfirmedTableNotThePendingOne() throws {
        let f = try Fixture()
        defer { f.cleanUp() }
        try ConfirmedTable.save(Self.confirmed, host: "web-01", stateDirectory: f.dir)
        try f.state.writePending(PendingConfirmation(id: "p1", table: Self.ref, previous: Self.confirmed, deadline: 1))
        let outcome = try f.restore()
        #expect(f.loaded()?.sameContent(as: Self.confirmed) == true)
        guard case .confirmed = outcome.source else { Issue.record("source \(outcome.source)"); return }
        #expect(outcome.discarded == "p1")
        #expect(try f.state.readPending() == nil)
        let entry = try #require(try f.log.lastEntry())
        #expect(entry.action == .restore && entry.outcome == "restored")
        #expect(entry.changes.first == "discarded the unconfirmed apply p1")
        #expect(entry.policy.tableSHA256 == ApplyRecorder.tableSHA256(Self.confirmed))
        #expect(ApplyLogVerifier.verify(try #require(try f.log.read())).intact)
    }

    @Test func aLoadedTableIsBroughtBackInOneBatchAndAnEqualOneIsLeftAlone() throws {
        let f = try Fixture()
        defer { f.cleanUp() }
        try ConfirmedTable.save(Self.confirmed, host: "web-01", stateDirectory: f.dir)
        f.backend.load(Self.pendingTable)
        let before = f.backend.generation
        _ = try f.restore()
        #expect(f.backend.generation == before + 1)
        #expect(f.loaded()?.sameContent(as: Self.confirmed) == true)
        let again = try f.restore()
        #expect(again.plan.isEmpty && again.generation == nil)
        #expect(try f.log.lastEntry()?.outcome == "already-loaded")
    }

    @Test(arguments: [false, true]) func withoutAUsableStateThePolicyIsLoadedAndKept(damaged: Bool) throws {
        let f = try Fixture()
        defer { f.cleanUp() }
        if damaged {
            try Data("not a snapshot".utf8).write(to: URL(fileURLWithPath: ConfirmedTable.path(stateDirectory: f.dir)))
        }
        let outcome = try f.restore()
        guard case .policy(let path, let why) = outcome.source else { Issue.record("source \(outcome.source)"); return }
        #expect(path == "/etc/fwctl/policy")
        #expect(why.contains(damaged ? "damaged" : "no confirmed table"))
        #expect(f.loaded()?.sameContent(as: Self.policyTable) == true)
        guard case .found(let kept) = ConfirmedTable.load(stateDirectory: f.dir) else { Issue.record("policy table not kept"); return }
        #expect(kept.table.sameContent(as: Self.policyTable))
    }

    @Test func withNeitherNothingChangesAndTheErrorSaysWhatToDo() throws {
        let f = try Fixture()
        defer { f.cleanUp() }
        #expect {
            _ = try f.restore(policy: .failure(ApplyError("unknown host 'web-01'")))
        } throws: { error in
            let text = "\(error)"
            return text.contains("nothing to restore") && text.contains("unknown host 'web-01'")
                && text.contains("no fwctl table is loaded") && text.contains("fwctl apply")
        }
        #expect(f.loaded() == nil)
        #expect(f.backend.generation == 1)
        let entry = try #require(try f.log.lastEntry())
        #expect(entry.action == .restore && entry.outcome.hasPrefix("failed: nothing to restore"))
        #expect(ApplyLogVerifier.verify(try #require(try f.log.read())).intact)
    }

    @Test func aPolicyTableAlreadyLoadedIsKeptToo() throws {
        let f = try Fixture()
        defer { f.cleanUp() }
        f.backend.load(Self.policyTable)
        let outcome = try f.restore()
        #expect(outcome.plan.isEmpty)
        guard case .found(let kept) = ConfirmedTable.load(stateDirectory: f.dir) else { Issue.record("policy table not kept"); return }
        #expect(kept.table.sameContent(as: Self.policyTable))
    }

    /// A table of the name that fwctl did not create (loaded before fwctl's unit by another
    /// one) is someone else's: restore refuses it and changes nothing.
    @Test func aTableFwctlDidNotCreateIsLeftAlone() throws {
        let f = try Fixture()
        defer { f.cleanUp() }
        var foreign = Table(name: "fwctl", chains: [Chain(name: "mine", rules: [Rule([.verdict(.accept)])])])
        foreign.comment = nil
        f.backend.load(foreign)
        #expect(throws: (any Error).self) { _ = try f.restore() }
        #expect(f.loaded()?.chain(named: "mine") != nil, "restore changed a table fwctl did not create")
    }

    /// A kernel that refuses every batch.
    final class RefusingBackend: RulesetBackend {
        func read(table: TableRef) throws -> (table: Table?, generation: UInt32) { (nil, 7) }
        func apply(_ plan: Plan, expectedGeneration: UInt32, checkOnly: Bool) throws -> UInt32? {
            throw BackendError.rejected(changeIndex: nil, errno: ENOMEM, reason: "out of memory")
        }
    }

    @Test func aRefusedRestoreKeepsThePendingApplyAndSaysSo() throws {
        let f = try Fixture()
        defer { f.cleanUp() }
        try ConfirmedTable.save(Self.confirmed, host: "web-01", stateDirectory: f.dir)
        try f.state.writePending(PendingConfirmation(id: "p1", table: Self.ref, previous: nil, deadline: 1))
        let recorder = ApplyRecorder(log: f.log, host: "web-01", actor: .init(user: "root", uid: 0))
        #expect(throws: ApplyError.self) {
            _ = try BootRestore(backend: RefusingBackend(), state: f.state, recorder: recorder).run(policyPath: "/p") { Self.policyTable }
        }
        #expect(try f.state.readPending()?.id == "p1")
        let entry = try #require(try f.log.lastEntry())
        #expect(entry.action == .restore && entry.outcome.hasPrefix("failed: ") && entry.outcome.contains("restore changed nothing"))
        #expect(!entry.changes.contains { $0.contains("discarded") }, "\(entry.changes)")
    }

    @Test func aStateFileThatIsALinkIsNotFollowed() throws {
        let f = try Fixture()
        defer { f.cleanUp() }
        try ConfirmedTable.save(Self.confirmed, host: "web-01", stateDirectory: f.dir)
        let real = f.dir + "/elsewhere.snap"
        let path = ConfirmedTable.path(stateDirectory: f.dir)
        #expect(rename(path, real) == 0 && symlink(real, path) == 0)
        guard case .damaged(let reason) = ConfirmedTable.load(stateDirectory: f.dir) else { Issue.record("a link was followed"); return }
        #expect(reason.contains("symbolic link"))
    }
}
