import ArgumentParser
import FwctlCLI
import FwctlNet
import FwctlPolicy

/// `fwctl check`: parse and check the policy, print every diagnostic.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and check the policy; print every error and warning.",
        discussion: "Exit 0 when the policy has no errors (warnings allowed unless --strict), 1 otherwise."
    )

    @OptionGroup var policy: PolicyOptions

    @Flag(name: .long, help: "Treat warnings as errors (exit 1 when there is any).")
    var strict = false

    func run() throws {
        try runReportingErrors {
            let (fleet, result) = try PolicyLoading.load(policy)
            let warnings = result.diagnostics.filter { $0.severity == .warning }.count
            let counts = [counted(fleet.hosts.count, "host") + " in " + counted(fleet.roles.count, "role"), counted(fleet.flows.count, "flow"), counted(fleet.tests.count, "test")]
            Terminal.writeOut("\(policy.policy): ok: \(counts.joined(separator: ", ")), \(counted(warnings, "warning"))\n")
            if strict && warnings > 0 { throw CLIError("\(counted(warnings, "warning")) with --strict") }
        }
    }
}
