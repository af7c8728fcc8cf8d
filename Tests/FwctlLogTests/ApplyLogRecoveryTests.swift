import FwctlSystem
import Foundation
import FwctlPlanner
import FwctlRuleset
import Testing
@testable import FwctlLog

/// The `recovered` entry without a kernel: it chains like any entry, concludes the unfinished
/// apply for the verifier, says how the loaded table compares with the announced one, and
/// counts as the last apply only when the announced table is what is loaded.
@Suite struct ApplyLogRecoveryTests {
    static let table = Table(name: "fwctl", sets: [NamedSet(name: "role_app_v4", keyType: .ipv4Addr), NamedSet(name: "role_web_v4", keyType: .ipv4Addr)],
                             chains: [Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop)),
                                      Chain(name: "output", hook: BaseChainHook(hook: .output, policy: .accept))])

    /// The kernel lists sets and chains in creation order, with handles and counter values:
    /// the table's hash in an entry is still the compiled table's.
    @Test func aTableReadBackHashesAsCompiled() {
        var read = Self.table
        read.handle = 7
        read.sets.reverse()
        read.chains.reverse()
        read.chains[0].rules = [Rule([.counter(packets: 3, bytes: 120), .verdict(.accept)], comment: "p:1: x", handle: 4)]
        var compiled = Self.table
        compiled.chains[1].rules = [Rule([.counter(packets: 0, bytes: 0), .verdict(.accept)], comment: "p:1: x")]
        #expect(ApplyRecorder.tableSHA256(read) == SHA256.hex(NftText.utf8(Ruleset(tables: [compiled]))))
        #expect(ApplyRecorder.tableSHA256(read) != SHA256.hex(NftText.utf8(Ruleset(tables: [read]))))
    }

    func started(in dir: String) throws -> (ApplyRecorder, ApplyLogEntry) {
        let recorder = ApplyRecorder(log: ApplyLog(path: dir + "/apply-log.jsonl"), host: "web-01",
                                     policy: .init(sha256: String(repeating: "a", count: 64), tableSHA256: ApplyRecorder.tableSHA256(Self.table)))
        try recorder.started(ApplyLogTests.plan, confirmationID: nil)
        try recorder.finished(ApplyLogTests.plan, confirmationID: nil, generationAfter: 8, failure: nil)
        return (recorder, try recorder.started(ApplyLogTests.plan, confirmationID: nil))
    }

    @Test func recoveredEntryConcludesTheUnfinishedApply() throws {
        let dir = try ApplyLogTests.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (recorder, started) = try started(in: dir)
        #expect(try recorder.log.lastEntry() == started)
        #expect(ApplyLogVerifier.verify(try #require(try recorder.log.read())).unfinished == [3])
        // Read back from the kernel: handles, counter values, and sets and chains in creation
        // order (here: after an incremental apply), which the hash leaves out.
        var loaded = Self.table
        loaded.handle = 4
        loaded.chains[0].handle = 9
        loaded.sets.reverse()
        loaded.chains.reverse()
        let entry = try recorder.recovered(started, loaded: loaded, generation: 12)
        #expect(entry.seq == 4 && entry.outcome == "recovered" && entry.loaded == ApplyLogEntry.Loaded.announced)
        #expect(entry.host == "web-01" && entry.generationBefore == started.generationBefore && entry.generationAfter == 12)
        #expect(entry.policy.tableSHA256 == started.policy.tableSHA256 && entry.policy.sha256 == started.policy.sha256)
        #expect(entry.reachedKernel)
        let report = ApplyLogVerifier.verify(try #require(try recorder.log.read()))
        #expect(report.intact && report.entries == 4 && report.unfinished.isEmpty, "\(report)")
        #expect(try recorder.log.entries().last == entry)
    }

    @Test func otherOrNoTableIsSaidAndIsNoApply() throws {
        let dir = try ApplyLogTests.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (recorder, started) = try started(in: dir)
        let other = try recorder.recovered(started, loaded: Table(name: "fwctl"), generation: 7)
        #expect(other.loaded == ApplyLogEntry.Loaded.other && !other.reachedKernel)
        #expect(other.policy.tableSHA256 != started.policy.tableSHA256)
        let none = try recorder.recovered(started, loaded: nil, generation: 7)
        #expect(none.loaded == ApplyLogEntry.Loaded.absent && none.policy.tableSHA256 == nil && !none.reachedKernel)
    }
}
