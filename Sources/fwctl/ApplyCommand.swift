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
            Plans as `fwctl plan` does, shows the plan and asks for confirmation on a terminal \
            (--yes skips it), then sends every change as ONE netlink batch carrying the kernel \
            generation id the plan was made at: if anything changed the ruleset in between, the \
            kernel refuses the batch and nothing changes. Over SSH (SSH_CONNECTION set) a plan \
            that would drop new SSH connections from your address is refused unless --force, \
            and the apply is provisional for 15 s: the previous table comes back by itself \
            unless `fwctl confirm` runs in time (--confirm SECONDS to choose, --no-confirm to \
            turn it off for automation).
            """
    )

    @Argument(help: ArgumentHelp("A plan saved by `fwctl plan --out FILE`.", valueName: "planfile"))
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
            // The kernel's dump runs on the other core while the policy compiles (a saved plan
            // reads nothing).
            if planFile == nil { session.backend.prefetch(session.backend.likelyTable()) }
            // What the apply log says of the policy (git commit, files' and table's hashes) is
            // worked out on the second core, each part as soon as its input exists: git now,
            // while the policy loads and the plan is made.
            let provenance = PolicyProvenance.start(policy: policy.policy)
            let (desired, _) = try DesiredTable.load(policy: policy, host: host, kernel: kernel, refresh: refresh,
                                                     filesRead: provenance.filesRead)
            provenance.tableCompiled(desired)
            let plan = try planToApply(session, desired)
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
            session.recorder = ApplyRecorder(log: logOptions.applyLog(stateDir: kernel.stateDir), host: host ?? Terminal.shortHostname(),
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

    /// The plan to apply: the saved one (if the policy still compiles to what it was made
    /// for), or a fresh one.
    private func planToApply(_ session: ApplySession, _ desired: Table) throws -> Plan {
        guard let planFile else { return try session.plan(toward: desired) }
        let saved: PlanFile
        do { saved = try PlanFile.read(from: planFile) } catch { throw CLIError("\(error)") }
        guard saved.plan.table == desired.ref else {
            throw CLIError("\(planFile) is a plan for table \(saved.plan.table), not \(desired.ref)")
        }
        guard saved.matches(desired: desired) else {
            throw CLIError("the policy has changed since \(planFile) was made; run `fwctl plan` again")
        }
        return saved.plan
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
