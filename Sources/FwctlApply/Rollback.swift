import Foundation
import FwctlKernel
import FwctlPlanner
import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

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

    /// Starts `fwctl confirm --watchdog ID --deadline T [--log FILE]` detached from this process and its terminal: a
    /// new session (no SIGHUP when the SSH connection drops), standard streams on /dev/null,
    /// in this process's network namespace. Returns its pid.
    public static func spawnWatchdog(id: String, deadline: Double, stateDirectory: String, logPath: String? = nil) throws -> Int32 {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        // The apply log goes along, so the rollback is recorded where the apply was.
        let args = [exe, "confirm", "--watchdog", id, "--deadline", String(deadline), "--state-dir", stateDirectory]
            + (logPath.map { ["--log", $0] } ?? [])
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // POSIX_SPAWN_SETSID (glibc, hidden behind _GNU_SOURCE from Swift's Glibc module).
        posix_spawnattr_setflags(&attr, Int16(0x80))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        // Nothing else of ours may stay open in the watchdog: an inherited pipe would keep
        // whoever reads fwctl's output waiting until the rollback deadline.
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var cargs = args.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, &attr, &cargs, environ)
        guard rc == 0 else { throw ApplyError("cannot start the rollback watchdog: \(String(cString: strerror(rc)))") }
        return pid
    }
}
