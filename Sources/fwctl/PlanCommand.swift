import ArgumentParser
import FwctlApply
import FwctlCLI
import FwctlDesired
import FwctlPlanner
import FwctlPolicy
import FwctlSystem

/// `fwctl plan`: what `apply` would change in the kernel, Terraform style.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change in the kernel's fwctl table.",
        discussion: """
            Reads the kernel's fwctl table through netlink (root), compiles the policy for this \
            host and prints the difference: + add, ~ change, - remove, each rule with the policy \
            line it comes from. --out saves the plan; `fwctl apply FILE` plans again and applies \
            only if that gives the same plan (else: "Saved plan is stale").
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var policy: PolicyOptions
    @Option(name: .long, help: ArgumentHelp("The host whose table to plan (default: this machine's short hostname).", valueName: "name"))
    var host: String?
    @OptionGroup var kernel: KernelOptions
    @OptionGroup var refresh: RefreshOption

    @Option(name: .long, help: "Output format.")
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("Save the plan to this file for `fwctl apply FILE`.", valueName: "file"))
    var out: String?

    @Flag(name: .long, help: "Exit 2 when there are changes (0: none, 1: error).")
    var detailedExitcode = false

    func run() throws {
        var changes = false
        try runReportingErrors {
            try KernelOptions.requireRoot("fwctl plan")
            let (session, _) = try ApplySession.begin(stateDirectory: kernel.stateDir, lockTimeout: kernel.lockTimeout, refresh: refresh.refresh)
            defer { DesiredTable.finishCacheWrite(); session.release() }   // the cache written under the lock
            let desired = try refresh.desiredTable(policy: policy, host: host, kernel: kernel)
            let plan = try session.plan(toward: desired.table)
            PhaseClock.mark("plan")
            Terminal.warn(session.otherTablesWarnings(for: desired.table))
            switch format {
            case .text: Terminal.writeOut(PlanRenderer(colour: Terminal.colorOnStdout).render(plan))
            case .json: Terminal.writeOut(try PlanRenderer.json(plan))
            }
            if let out {
                let file = PlanFile(plan: plan, desired: desired.table, host: host ?? Terminal.shortHostname(),
                                    policySHA256: desired.files.map { PolicyFingerprint.compute($0).policy })
                do { try file.write(to: out) } catch { throw CLIError("cannot save the plan: \(error)") }
                Terminal.writeError("fwctl: saved the plan to \(out); apply it with `fwctl apply \(out)`")
            }
            changes = !plan.isEmpty
        }
        if detailedExitcode && changes { throw ExitCode(2) }
    }
}
