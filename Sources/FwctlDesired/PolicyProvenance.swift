import Dispatch
import FwctlLog
import FwctlPlanner
import FwctlPolicy
import FwctlRuleset
import FwctlSystem

/// What the apply log records about the policy an apply was made from: its hash, its compiled
/// table's hash and, when it lives in a git work tree, the commit and whether it differs from it.
///
/// Every part is exactly what `fwctl audit export` reports: the policy's hash is
/// `PolicyFingerprint`'s, the git state the probe's (`fwctl` passes the audit's `PolicyGit`),
/// and the table's hash (`ruleset_sha256`) the SHA-256 of its nft text, so an auditor can
/// match a log entry to a report and to `fwctl compile` output.
public enum PolicyProvenance {
    /// The record worked out on another thread, each part as soon as its input exists: the
    /// git probe needs only the path, the policy hash the files' bytes, the table hash the
    /// compiled table. An apply starts it before loading the policy, so the probe (two git
    /// processes) and the hashes (3 MB of policy, 2.5 MB of nft text for 100,000 set
    /// elements) overlap compiling and planning instead of following them.
    ///
    /// The policy's hash must be of the bytes compiled: the loader hands them over as soon as
    /// it has read them (`filesRead`), before it compiles or derives the table, so they are
    /// hashed while it works and never read twice.
    ///
    /// The hashes run one after another on one serial queue (the second core is the only
    /// spare one); the git probe on a queue of its own, since it mostly waits for its two
    /// processes and the hashes must not wait behind it. `wait()` returns the record once
    /// the table's hash and the probe are done.
    public final class Pending: @unchecked Sendable {
        private let path: String
        private let queue = DispatchQueue(label: "fwctl.provenance")
        private let gitQueue = DispatchQueue(label: "fwctl.provenance.git")
        // Written and read only on `gitQueue`.
        private var git: Git?
        // Written and read only on `queue`.
        private var policySHA256: String?
        private var filesHashed = false
        private var tableSHA256: String?

        /// Starts the git probe of the policy at `path`. The probe runs at nice 10, so that
        /// where it competes for a core with the compile or the kernel read it yields to them
        /// (git inherits it).
        init(policy path: String, git probe: @escaping @Sendable (String) -> Git?) {
            self.path = path
            gitQueue.async { [self] in
                ThreadPriority.setNice(10)
                git = probe(path)
                ThreadPriority.setNice(0)
            }
        }

        /// The policy's files as read for compiling (nil: the loader read none, then they are
        /// read here). Later calls are ignored: the first bytes are the ones compiled.
        public func filesRead(_ files: [(path: String, bytes: [UInt8])]?) {
            queue.async { [self] in settleFiles(files) }
        }

        /// The compiled table: its hash starts now (after the parts before it).
        public func tableCompiled(_ desired: Table) {
            queue.async { [self] in
                settleFiles(nil)
                tableSHA256 = SHA256.hex(NftText.utf8(Ruleset(tables: [desired])))
            }
        }

        /// On `queue`: the policy hash of `files` (read here when nil).
        private func settleFiles(_ files: [(path: String, bytes: [UInt8])]?) {
            guard !filesHashed else { return }
            filesHashed = true
            policySHA256 = (files ?? CompiledTableCache.policyFiles(at: path)).map { PolicyFingerprint.compute($0).policy }
        }

        /// The record, once every part queued so far is done; call it after `tableCompiled`.
        public func wait() -> ApplyLogEntry.Policy {
            let git = gitQueue.sync { self.git }
            return queue.sync {
                ApplyLogEntry.Policy(sha256: policySHA256, tableSHA256: tableSHA256, commit: git?.commit, dirty: git?.dirty)
            }
        }
    }

    /// The git state of a policy: the commit of its work tree and whether its files differ.
    public typealias Git = (commit: String, dirty: Bool)

    /// Starts working out the record of an apply of the policy at `path`; `git` probes its
    /// git state (nil: not in a work tree, or no git).
    public static func start(policy path: String, git: @escaping @Sendable (String) -> Git?) -> Pending {
        Pending(policy: path, git: git)
    }
}
