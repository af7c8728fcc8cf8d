import Foundation
import FwctlLog
import FwctlPlanner
import FwctlPolicy
import FwctlRuleset
import FwctlSystem
import Testing
@testable import FwctlDesired

/// The apply log's record of a policy, worked out on the side: each part is what the audit
/// export and `fwctl compile` would say of the same input.
@Suite struct PolicyProvenanceTests {
    final class Seen: @unchecked Sendable { var path: String?; var nice: Int32? }

    let dir: String
    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-provenance-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "role web { host w1 = 192.0.2.1 }\n".write(toFile: dir + "/a.policy", atomically: true, encoding: .utf8)
    }

    let table = Table(family: .inet, name: "fwctl", comment: "managed by fwctl")

    @Test func everyPartOfTheRecord() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seen = Seen()
        let pending = PolicyProvenance.start(policy: dir) { path in
            seen.path = path
            seen.nice = ThreadPriority.nice
            return (commit: "0123456789abcdef0123456789abcdef01234567", dirty: true)
        }
        pending.filesRead(nil)
        pending.tableCompiled(table)
        let record = pending.wait()
        let files = try #require(CompiledTableCache.policyFiles(at: dir))
        #expect(record == ApplyLogEntry.Policy(sha256: PolicyFingerprint.compute(files).policy,
                                               tableSHA256: SHA256.hex(NftText.utf8(Ruleset(tables: [table]))),
                                               commit: "0123456789abcdef0123456789abcdef01234567", dirty: true))
        #expect(seen.path == dir)
        // The probe yields its core to the compile and the kernel read.
        #expect((seen.nice ?? 0) >= 10)
    }

    /// The hash is of the bytes compiled, handed over by the loader, even when the files
    /// change on disk afterwards; later hand-overs are ignored.
    @Test func thePolicyHashIsOfTheBytesReadFirst() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let compiled: [(path: String, bytes: [UInt8])] = [(dir + "/a.policy", Array("role db { host d1 = 192.0.2.2 }\n".utf8))]
        let pending = PolicyProvenance.start(policy: dir) { _ in nil }
        pending.filesRead(compiled)
        pending.filesRead(nil)
        pending.tableCompiled(table)
        let record = pending.wait()
        #expect(record.sha256 == PolicyFingerprint.compute(compiled).policy)
        #expect(record.sha256 != PolicyFingerprint.compute(try #require(CompiledTableCache.policyFiles(at: dir))).policy)
        #expect(record.commit == nil && record.dirty == nil)
    }
}
