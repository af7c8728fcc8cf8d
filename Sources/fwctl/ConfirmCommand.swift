import ArgumentParser
import Foundation
import FwctlApply

/// `fwctl confirm`: keep a ruleset applied with `--confirm`.
struct ConfirmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm",
        abstract: "Keep the ruleset applied with --confirm; without it the previous one comes back.",
        discussion: "Exit 1 when no apply is waiting for confirmation."
    )

    @OptionGroup var kernel: KernelOptions

    /// Internal: the detached watchdog that `apply --confirm` starts.
    @Option(name: .long, help: .hidden)
    var watchdog: String?

    func run() throws {
        try runReportingErrors {
            try kernel.requireRoot("fwctl confirm")
            if let id = watchdog { return try runWatchdog(id) }
            let session = try ApplySession(stateDirectory: kernel.stateDir, lockTimeout: kernel.lockTimeout)
            defer { session.release() }
            let pending = try session.confirm()
            Terminal.writeOut("Confirmed: table \(pending.table) stays as applied.\n")
        }
    }

    /// Sleeps until the deadline (leaving early once confirmed), then rolls back.
    private func runWatchdog(_ id: String) throws {
        let state = StateDirectory(path: kernel.stateDir)
        while let p = try state.readPending(), p.id == id {
            let left = p.deadline - Date().timeIntervalSince1970
            if left <= 0 {
                let session = try ApplySession(stateDirectory: kernel.stateDir, lockTimeout: 60)
                defer { session.release() }
                _ = try session.rollBackIfUnconfirmed(id: id)
                return
            }
            usleep(UInt32(min(left, 0.25) * 1_000_000))
        }
    }
}
