import FwctlKernel
import FwctlLog
import FwctlPlanner
import FwctlRuleset
import FwctlState

/// `fwctl restore`: puts this host's last confirmed table back (see `ConfirmedTable`), in
/// one atomic batch planned against what the kernel holds, as early at boot as possible.
///
/// It needs no policy, no name resolution, no git and no loopback: only the state directory
/// and a netlink socket. A pending, unconfirmed apply is never what comes back: restore
/// discards it. When the state holds nothing usable (never applied here, or damaged), the
/// policy is compiled for this host instead; when that fails too, nothing is changed and the
/// error says what to do. Every run ends in a `restore` entry in the apply log.
public struct BootRestore {
    public let backend: RulesetBackend
    public let state: StateDirectory
    /// Writes the `restore` entry (nil: nothing is recorded).
    public let recorder: ApplyRecorder?

    public init(backend: RulesetBackend, state: StateDirectory, recorder: ApplyRecorder?) {
        self.backend = backend
        self.state = state
        self.recorder = recorder
    }

    /// Where the restored table came from.
    public enum Source: Equatable, Sendable {
        /// The confirmed table kept at `savedAt`.
        case confirmed(savedAt: String)
        /// The policy at `path`, because the state held nothing usable (`why`).
        case policy(path: String, why: String)

        /// The `loaded` field of the log entry.
        public var text: String {
            switch self {
            case .confirmed(let savedAt): "the last confirmed table (kept \(savedAt))"
            case .policy(let path, let why): "the policy \(path) (\(why))"
            }
        }
    }

    /// What a restore did.
    public struct Outcome: Sendable {
        public var source: Source
        public var plan: Plan
        /// The generation after the commit (nil: nothing needed changing).
        public var generation: UInt32?
        /// The id of the unconfirmed apply that was discarded, if one was pending.
        public var discarded: String?
        /// Things the operator should know that did not stop the restore.
        public var warnings: [String] = []
    }

    /// Restores the confirmed table, or `compilePolicy()`'s (the policy at `policyPath`) when
    /// there is none. Throws `ApplyError` with what to do when neither can be loaded.
    public func run(policyPath: String, compilePolicy: () throws -> Table) throws -> Outcome {
        let pending = (try? state.readPending()) ?? nil
        let (desired, source) = try desiredTable(policyPath: policyPath, compilePolicy: compilePolicy)
        var outcome = Outcome(source: source, plan: Plan(table: desired.ref, generation: nil, changes: []), generation: nil, discarded: pending?.id)
        var before: UInt32?
        do {
            let (current, generation) = try ApplyError.explained { try backend.read(table: desired.ref) }
            before = generation
            // Only fwctl's own table: one another unit loaded under the name is theirs.
            try Ownership.check(current)
            outcome.plan = Planner.plan(current: current, desired: desired, generation: generation)
            if !outcome.plan.isEmpty { outcome.generation = try ApplyError.explained(outcome.plan) { try backend.apply(outcome.plan) } }
        } catch {
            // Nothing changed: the pending apply (if any) stays pending.
            outcome.discarded = nil
            let message = "\(error); restore changed nothing"
            record(outcome, table: desired, before: before, result: "failed: \(message)")
            throw ApplyError(message)
        }
        // The unconfirmed apply's watchdog, if it still runs, then finds nothing to roll back.
        if pending != nil { state.removePending() }
        // The policy's table, loaded now or found loaded, is what this host runs: the next
        // boot needs no policy either.
        if case .policy = source,
           let w = ConfirmedTable.keep(desired.ref, backend: backend, host: recorder?.host ?? "", stateDirectory: state.path) {
            outcome.warnings.append(w)
        }
        if let w = record(outcome, table: desired, before: before, result: outcome.plan.isEmpty ? "already-loaded" : "restored") {
            outcome.warnings.append(w)
        }
        return outcome
    }

    /// The confirmed table when the state holds a usable one, else the policy's.
    private func desiredTable(policyPath: String, compilePolicy: () throws -> Table) throws -> (Table, Source) {
        let why: String
        switch ConfirmedTable.load(stateDirectory: state.path) {
        case .found(let kept): return (kept.table, .confirmed(savedAt: kept.savedAt))
        case .missing: why = "no confirmed table in \(state.path): fwctl never applied a table here for good"
        case .damaged(let reason): why = reason
        }
        do {
            return (try compilePolicy(), .policy(path: policyPath, why: why))
        } catch {
            let detail = "\(error)".isEmpty ? "its errors are shown above" : "\(error)"
            let message = Self.nothingToRestore(why: why, policyPath: policyPath, detail: detail)
            let failed = Outcome(source: .policy(path: policyPath, why: why), plan: Plan(table: TableRef(name: "fwctl"), generation: nil, changes: []),
                                 generation: nil, discarded: nil)
            record(failed, table: nil, before: nil, result: "failed: \(message)")
            throw ApplyError(message)
        }
    }

    /// The error of a restore with nothing to load: what is wrong and what to do.
    public static func nothingToRestore(why: String, policyPath: String, detail: String) -> String {
        "nothing to restore: \(why); and the policy \(policyPath) does not compile for this host (\(detail)). "
            + "The kernel was not changed: no fwctl table is loaded. To fix: put this host's policy in \(policyPath), "
            + "check it with `fwctl check --policy \(policyPath)`, then run `fwctl apply` (or `systemctl restart fwctl`)"
    }

    /// The `restore` entry; a log that cannot be written never stops a restore (the table
    /// matters more at boot), so a failure comes back as a warning.
    @discardableResult
    private func record(_ outcome: Outcome, table: Table?, before: UInt32?, result: String) -> String? {
        guard let recorder else { return nil }
        var changes = ApplyLogEntry.changeLines(outcome.plan)
        if let id = outcome.discarded { changes.insert("discarded the unconfirmed apply \(id)", at: 0) }
        let policy = ApplyLogEntry.Policy(tableSHA256: table.map(ApplyRecorder.tableSHA256))
        do {
            try recorder.log.append(ApplyLogEntry(host: recorder.host, action: .restore, actor: recorder.actor, policy: policy,
                                                  summary: outcome.plan.summary, changes: changes, generationBefore: before,
                                                  generationAfter: outcome.generation, outcome: result, loaded: outcome.source.text))
            return nil
        } catch {
            return "the restore is done, but it could not be recorded in the apply log: \(error)"
        }
    }
}
