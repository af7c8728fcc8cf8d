import ArgumentParser
import FwctlApply
import FwctlCLI
import FwctlKernel
import FwctlLog

/// `fwctl restore`: the boot step of fwctl.service (see `BootRestore`).
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Load this host's last confirmed table from the state directory (at boot), in one atomic batch.",
        discussion: """
            Loads the table last kept for good (an apply without confirm window, or one \
            confirmed with `fwctl confirm`) from the state directory; a pending, unconfirmed \
            apply is discarded, never restored. Needs no policy, no name resolution, no git \
            and no loopback. When the state holds no usable table (never applied here, or \
            damaged), compiles and applies the policy for this host instead; when that fails \
            too, changes nothing and exits 1 saying what to do. Every restore is recorded in \
            the apply log. fwctl.service runs it before the network comes up.
            """
    )

    @OptionGroup var policy: PolicyOptions
    @Option(name: .long, help: ArgumentHelp("The host whose policy to fall back to (default: this machine's short hostname).", valueName: "name"))
    var host: String?
    @OptionGroup var kernel: KernelOptions
    @OptionGroup var logOptions: LogOptions

    func run() throws {
        try runReportingErrors {
            try KernelOptions.requireRoot("fwctl restore")
            let session = try ApplySession(stateDirectory: kernel.stateDir, lockTimeout: kernel.lockTimeout)
            defer { session.release() }
            let log = logOptions.applyLog(stateDir: kernel.stateDir)
            Terminal.warn(try? session.recoverUnfinished(log: log))
            let restore = BootRestore(backend: session.backend, state: session.state,
                                      recorder: ApplyRecorder(log: log, host: host ?? Terminal.shortHostname()))
            let outcome = try restore.run(policyPath: policy.policy) { try policy.compiledTable(host: host) }
            Terminal.warn(outcome.warnings)
            if let id = outcome.discarded { Terminal.writeOut("Discarded the unconfirmed apply \(id).\n") }
            let done = outcome.plan.isEmpty ? "Already loaded" : "Restored"
            Terminal.writeOut("\(done): \(outcome.source.text)\(outcome.generation.map { ", kernel generation \($0)" } ?? "").\n")
        }
    }
}
