import ArgumentParser
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
            let hosts = fleet.hosts.count, roles = fleet.roles.count
            let flows = fleet.flows.count, tests = fleet.tests.count
            Terminal.writeOut("\(policy.policy): ok: \(hosts) host\(hosts == 1 ? "" : "s") in \(roles) role\(roles == 1 ? "" : "s"), \(flows) flow\(flows == 1 ? "" : "s"), \(tests) test\(tests == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n")
            if strict && warnings > 0 { throw CLIError("\(warnings) warning\(warnings == 1 ? "" : "s") with --strict") }
        }
    }
}
