import ArgumentParser
import Foundation
import FwctlApply
import FwctlPlanner
import FwctlRuleset

/// `fwctl apply`: make the kernel's fwctl table match the policy, atomically.
struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply the policy (or a saved plan) to the kernel in one atomic transaction.",
        discussion: """
            Plans as `fwctl plan` does (a saved plan: plans again and applies only the same plan), \
            shows it, asks on a terminal (--yes skips it), then sends every change as ONE batch \
            guarded by the generation id it was planned at: if fwctl's table changed in between, \
            nothing changes (only other tables: sent again, up to 5 times). Over SSH \
            (SSH_CONNECTION set) a plan that would drop new SSH connections from your address \
            is refused unless --force, and the apply is provisional for 15 s: the previous table \
            comes back by itself unless `fwctl confirm` runs in time (--confirm SECONDS to \
            choose, --no-confirm to turn it off for automation).
            """
    )

    @Argument(help: ArgumentHelp("A plan saved by `fwctl plan --out FILE` (applied only if planning again gives it).", valueName: "planfile"))
    var planFile: String?

    @OptionGroup var policy: PolicyOptions
    @Option(name: .long, help: ArgumentHelp("The host whose table to apply (default: this machine's short hostname).", valueName: "name"))
    var host: String?
    @OptionGroup var kernel: KernelOptions
    @OptionGroup var refresh: RefreshOption
    @OptionGroup var logOptions: LogOptions

    @Flag(name: .long, help: "Send the batch for the kernel to validate without committing; nothing changes.")
    var check = false

    @Option(name: .long, help: ArgumentHelp("Roll back unless `fwctl confirm` runs within this many seconds.", valueName: "seconds"))
    var confirm: Double?

    @Flag(name: .long, help: "No automatic rollback, even over SSH (for automation that checks by itself).")
    var noConfirm = false

    @Flag(name: .shortAndLong, help: "Apply without asking.")
    var yes = false

    @Flag(name: .long, help: "Apply even if it would drop new SSH connections from your address.")
    var force = false

    func validate() throws {
        if let c = confirm, !(c >= 1 && c <= 86_400) { throw ValidationError("--confirm takes 1 to 86400 seconds") }
        if confirm != nil && noConfirm { throw ValidationError("--confirm and --no-confirm exclude each other") }
    }

    func run() throws {
        try runReportingErrors {
            try KernelOptions.requireRoot("fwctl apply")
            let session = try ApplySession(stateDirectory: kernel.stateDir, lockTimeout: kernel.lockTimeout)
            defer { session.release() }
            if let note = try session.recoverUnfinished(log: logOptions.applyLog(stateDir: kernel.stateDir)) { Terminal.writeError("fwctl: warning: \(note)") }
            defer { DesiredTable.finishCacheWrite() }
            session.backend.refresh = refresh.refresh
            // The kernel's dump runs on the other core while the policy compiles.
            session.backend.prefetch(session.backend.likelyTable())
            let saved = try planFile.map { path in
                do { return try PlanFile.read(from: path) } catch { throw CLIError("\(error)") }
            }
            let hostName = host ?? saved?.host
            // What the apply log says of the policy (git commit, files' and table's hashes) is
            // worked out on the second core, each part as soon as its input exists: git now,
            // while the policy loads and the plan is made.
            let provenance = PolicyProvenance.start(policy: policy.policy)
            let (desired, _) = try DesiredTable.load(policy: policy, host: hostName, kernel: kernel, refresh: refresh,
                                                     filesRead: provenance.filesRead)
            provenance.tableCompiled(desired)
            // A saved plan is only what was approved: it is made again now and applied only if the same.
            let plan = try saved.map { try session.plan(saved: $0, toward: desired, host: hostName!, policySHA256: provenance.wait().sha256) }
                ?? session.plan(toward: desired)
            PhaseClock.mark("plan")
            for w in session.otherTablesWarnings(for: desired) { Terminal.writeError("fwctl: warning: \(w)") }
            Terminal.writeOut(PlanRenderer(colour: Terminal.colorOnStdout).render(plan))
            if plan.isEmpty { return }

            let ssh = SSHSession(environment: ProcessInfo.processInfo.environment), guarded: LockoutGuard.Decision
            do { guarded = try LockoutGuard.decide(desired, session: ssh, confirm: confirm, noConfirm: noConfirm, force: force) } catch { throw CLIError("\(error)") }
            for w in guarded.warnings { Terminal.writeError("fwctl: warning: \(w)") }
            if !yes && !check { try askForConfirmation() }
            let seconds = check ? nil : guarded.confirmSeconds
            // Apply log: every apply is recorded (intent before the kernel is touched, then
            // the result); --check records nothing.
            session.recorder = ApplyRecorder(log: logOptions.applyLog(stateDir: kernel.stateDir), host: hostName ?? Terminal.shortHostname(),
                                             policy: provenance.wait())
            PhaseClock.mark("provenance wait")
            let outcome = try session.apply(plan, confirmSeconds: seconds, check: check)
            PhaseClock.mark("apply")
            if let warning = outcome.logWarning { Terminal.writeError("fwctl: warning: \(warning)") }
            if check {
                Terminal.writeOut("Check passed: the kernel accepts every change; nothing was applied.\n")
            } else if let pending = outcome.pending {
                Terminal.writeOut("Applied. Run `fwctl confirm` within \(Int(seconds!)) s to keep it, or the previous ruleset comes back by itself (watchdog pid \(pending.watchdogPID ?? 0)).\n")
            } else {
                Terminal.writeOut("Applied\(outcome.generation.map { " (kernel generation \($0))" } ?? "").\n")
            }
        }
    }

    private func askForConfirmation() throws {
        guard isatty(0) == 1 else {
            throw CLIError("not asking on a non-terminal: pass --yes to apply without confirmation")
        }
        Terminal.writeOut("\nApply these changes? Only 'yes' is accepted: ")
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            throw CLIError("apply cancelled; nothing was changed")
        }
    }
}
