import ArgumentParser
import FwctlApply
import FwctlCompiler
import FwctlPlanner
import FwctlPolicy
import FwctlRuleset

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
            let session = try ApplySession(stateDirectory: kernel.stateDir, lockTimeout: kernel.lockTimeout)
            defer { session.release() }
            defer { DesiredTable.finishCacheWrite() }
            session.backend.refresh = refresh.refresh
            // The kernel's dump runs on the other core while the policy compiles.
            session.backend.prefetch(session.backend.likelyTable())
            let (desired, files) = try DesiredTable.load(policy: policy, host: host, kernel: kernel, refresh: refresh)
            let plan = try session.plan(toward: desired)
            PhaseClock.mark("plan")
            for w in session.otherTablesWarnings(for: desired) { Terminal.writeError("fwctl: warning: \(w)") }
            switch format {
            case .text: Terminal.writeOut(PlanRenderer(colour: Terminal.colorOnStdout).render(plan))
            case .json: Terminal.writeOut(try PlanRenderer.json(plan))
            }
            if let out {
                let file = PlanFile(plan: plan, desired: desired, host: host ?? Terminal.shortHostname(),
                                    policySHA256: files.map { PolicyFingerprint.compute($0).policy })
                do { try file.write(to: out) } catch { throw CLIError("cannot save the plan: \(error)") }
                Terminal.writeError("fwctl: saved the plan to \(out); apply it with `fwctl apply \(out)`")
            }
            changes = !plan.isEmpty
        }
        if detailedExitcode && changes { throw ExitCode(2) }
    }
}

/// The compiled table of one host, what plan and apply move the kernel toward.
enum DesiredTable {
    static func compile(policy: PolicyOptions, host: String?) throws -> Table {
        try compiled(PolicyLoading.load(policy, quietWarnings: true).fleet, host: host).table
    }

    /// `host`'s table (the default host: this machine's short hostname) and what it depends on
    /// of the fleet's memberships (for `TablePatch`).
    static func compiled(_ fleet: Fleet, host: String?) throws -> (table: Table, dependencies: TableDependencies) {
        let name = try HostOptions.resolve(host, all: false, in: fleet)[0]
        do {
            return try Compiler(fleet: fleet).compileWithDependencies(host: name)
        } catch {
            throw CLIError(error.description)
        }
    }
}
