import Foundation
import FwctlKernel
import FwctlPlanner
import FwctlRuleset
import FwctlSystem

/// Puts the previous table back after an apply with `--confirm` that nobody confirmed.
public enum Rollback {
    /// Restores `pending.previous` (or removes fwctl's table when there was none) in one
    /// atomic batch, whatever happened to the table since. Returns what it did.
    public static func restore(_ pending: PendingConfirmation, backend: NetlinkBackend) throws -> String {
        guard let previous = pending.previous else {
            try backend.removeTable(pending.table)
            return "removed table \(pending.table) (there was none before the apply)"
        }
        let plan = try backend.plan(toward: previous)
        if plan.isEmpty { return "table \(pending.table) already matches the previous ruleset" }
        _ = try backend.apply(plan)
        return "restored the previous table \(pending.table) (\(plan.summary.line))"
    }

    /// Starts `fwctl confirm --watchdog ID --deadline T [--log FILE]` detached from this
    /// process and its terminal (`Subprocess.spawnDetached`: no SIGHUP when the SSH
    /// connection drops, no inherited descriptor), in this process's network namespace.
    /// Returns its pid.
    public static func spawnWatchdog(id: String, deadline: Double, stateDirectory: String, logPath: String? = nil) throws -> Int32 {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        // The apply log goes along, so the rollback is recorded where the apply was.
        let args = [exe, "confirm", "--watchdog", id, "--deadline", String(deadline), "--state-dir", stateDirectory]
            + (logPath.map { ["--log", $0] } ?? [])
        do {
            return try Subprocess.spawnDetached(args)
        } catch {
            throw ApplyError("cannot start the rollback watchdog \(exe): \(error.reason)")
        }
    }
}
