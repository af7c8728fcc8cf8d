import Foundation
import FwctlApply
import FwctlAudit
import FwctlPlanner
import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

/// What the apply log records about the policy an apply was made from: its hash, its compiled
/// table's hash and, when it lives in a git work tree, the commit and whether it differs from it.
enum PolicyProvenance {
    /// `record(policy:desired:)` computed on another thread; `wait()` returns it.
    final class Pending: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var value: ApplyLogEntry.Policy?

        fileprivate init(_ body: @escaping @Sendable () -> ApplyLogEntry.Policy) {
            Thread.detachNewThread { [self] in
                value = body()
                done.signal()
            }
        }

        func wait() -> ApplyLogEntry.Policy {
            done.wait()
            defer { done.signal() }   // a later wait() returns at once
            return value!
        }
    }

    static func inBackground(policy path: String, files: [(path: String, bytes: [UInt8])]?, desired: Table) -> Pending {
        Pending { record(policy: path, files: files, desired: desired) }
    }

    /// The log's policy record for an apply of `desired` compiled from `path`. The table's
    /// hash is the one `fwctl audit export` reports (`ruleset_sha256`): SHA-256 of its nft
    /// text, so an auditor can match a log entry to a report and to `fwctl compile` output.
    /// The policy's hash is `PolicyFingerprint`'s and the git state `PolicyGit`'s, exactly
    /// what `fwctl audit export` reports.
    /// `files`: the policy's files as already read (read here when nil).
    static func record(policy path: String, files: [(path: String, bytes: [UInt8])]? = nil, desired: Table) -> ApplyLogEntry.Policy {
        let git = PolicyGit.state(of: path)
        let files = files ?? CompiledTableCache.policyFiles(at: path)
        return ApplyLogEntry.Policy(sha256: files.map { PolicyFingerprint.compute($0).policy },
                                    tableSHA256: SHA256.hex(Array(NftText.render(Ruleset(tables: [desired])).utf8)),
                                    commit: git?.commit, dirty: git?.dirty)
    }
}
