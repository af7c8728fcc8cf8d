import ArgumentParser
import Foundation
import FwctlApply
import FwctlCLI
import FwctlLog
import FwctlState

/// `fwctl confirm`: keep a ruleset applied with `--confirm`.
struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Keep the ruleset applied with --confirm; without it the previous one comes back.",
        discussion: "Exit 1 when no apply is waiting for confirmation."
    )

    @OptionGroup var kernel: KernelOptions
    @OptionGroup var logOptions: LogOptions

    /// Internal: the detached watchdog that `apply --confirm` starts.
    @Option(name: .long, help: .hidden)
    var watchdog: String?

    /// Internal: when the watchdog rolls back (seconds since 1970).
    @Option(name: .long, help: .hidden)
    var deadline: Double?

    func run() throws {
        try runReportingErrors {
            try KernelOptions.requireRoot("fwctl confirm")
            if let id = watchdog { return try runWatchdog(id) }
            let session = try ApplySession(stateDirectory: kernel.stateDir, lockTimeout: kernel.lockTimeout)
            defer { session.release() }
            Terminal.warn(try session.recoverUnfinished(log: logOptions.applyLog(stateDir: kernel.stateDir)))
            // The confirm entry takes host and policy from the apply it confirms.
            session.recorder = ApplyRecorder(log: logOptions.applyLog(stateDir: kernel.stateDir), host: Terminal.shortHostname())
            let pending = try session.confirm()
            Terminal.warn(session.keepConfirmed(pending.table))
            Terminal.writeOut("Confirmed: table \(pending.table) stays as applied.\n")
        }
    }

    /// The detached rollback watchdog (see `Watchdog`).
    private func runWatchdog(_ id: String) throws {
        guard let deadline else { throw CLIError("--watchdog needs --deadline") }
        _ = try Watchdog(id: id, deadline: deadline, state: StateDirectory(path: kernel.stateDir),
                         log: logOptions.applyLog(stateDir: kernel.stateDir)).run()
    }
}
