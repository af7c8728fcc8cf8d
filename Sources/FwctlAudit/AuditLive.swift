import FwctlCompiler
import FwctlPlanner
import FwctlPolicy
import FwctlRuleset

/// The loaded table against the compiled one, for `--live`: checked on this machine only,
/// read only (no lock, no state directory: an audit never changes the host).
public enum AuditLive {
    /// Why a host is `not-checked` when `--live` was not asked for.
    public static let notRequested = "not requested (run with --live as root on the host)"

    /// The live state of the host this machine is (`me`), by name, and why every other host
    /// is `not-checked` (every host, unless `requested`).
    public static func states(requested: Bool = true, fleet: Fleet, me: @autoclosure () -> String, isRoot: Bool,
                              backend: () throws -> any RulesetBackend) throws -> (states: [String: AuditReport.Live], reason: String) {
        guard requested else { return ([:], notRequested) }
        let me = me()
        guard fleet.host(named: me) != nil else { return ([:], "this machine (\(me)) is not a host of the policy; pass --this-host NAME") }
        guard isRoot else { return ([:], "needs root (CAP_NET_ADMIN) to read the kernel's table") }
        return ([me: try state(fleet: fleet, host: me, backend: backend)], "not this machine (checked on \(me) only)")
    }

    /// The plan `fwctl plan` would show, counted.
    public static func state(fleet: Fleet, host: String, backend: () throws -> any RulesetBackend) throws -> AuditReport.Live {
        let desired = try Compiler(fleet: fleet).compile(host: host).tables[0]
        do {
            let current = try backend().readAndPlan(toward: desired)
            let summary = current.plan.summary
            if summary.add + summary.change + summary.remove == 0 { return AuditReport.Live(state: .matched) }
            let why = current.current == nil ? "table \(desired.ref) is not loaded" : "the loaded table differs from the policy"
            return AuditReport.Live(state: .drift, reason: why, add: summary.add, change: summary.change, remove: summary.remove)
        } catch {
            return AuditReport.Live(state: .notChecked, reason: "cannot read table \(desired.ref) from the kernel: \(error)")
        }
    }
}
