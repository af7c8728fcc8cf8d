import ArgumentParser
import FwctlApply
import FwctlAudit
import FwctlCLI
import FwctlDesired
import FwctlLog
import FwctlPlanner
import FwctlSystem

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
            let log = logOptions.applyLog(stateDir: kernel.stateDir)
            let (session, recovered) = try ApplySession.begin(stateDirectory: kernel.stateDir, lockTimeout: kernel.lockTimeout, refresh: refresh.refresh, recovering: log)
            defer { DesiredTable.finishCacheWrite(); session.release() }   // the cache written under the lock
            Terminal.warn(recovered)
            let hostName = host ?? Terminal.shortHostname(), saved = try planFile.map { try SavedPlan.read(from: $0, host: hostName) }
            let provenance = PolicyProvenance.start(policy: policy.policy) { PolicyGit.state(of: $0).map { ($0.commit, $0.dirty) } }
            let desired = try refresh.desiredTable(policy: policy, host: host, kernel: kernel, filesRead: provenance.filesRead).table
            provenance.tableCompiled(desired)
            let plan = try session.plan(saved: saved, toward: desired, host: hostName) { provenance.wait().sha256 }
            PhaseClock.mark("plan")
            Terminal.warn(session.otherTablesWarnings(for: desired))
            Terminal.writeOut(PlanRenderer(colour: Terminal.colorOnStdout).render(plan))
            if plan.isEmpty { return }
            let guarded = try LockoutGuard.decide(desired, session: .current, confirm: confirm, noConfirm: noConfirm, force: force)
            Terminal.warn(guarded.warnings)
            if !yes && !check { try Terminal.requireYes("\nApply these changes? Only 'yes' is accepted: ", declined: "apply cancelled; nothing was changed",
                                                        notATerminal: "not asking on a non-terminal: pass --yes to apply without confirmation") }
            let seconds = check ? nil : guarded.confirmSeconds
            session.recorder = ApplyRecorder(log: log, host: hostName, policy: provenance.wait())   // --check records nothing
            PhaseClock.mark("provenance wait")
            let outcome = try session.apply(plan, confirmSeconds: seconds, check: check)
            PhaseClock.mark("apply")
            Terminal.warn(outcome.logWarning)
            Terminal.writeOut(outcome.text(check: check, confirmSeconds: seconds))
        }
    }
}
