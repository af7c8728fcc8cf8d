import ArgumentParser
import FwctlCLI
import FwctlCompiler
import FwctlPolicy
import FwctlVerifier

/// `fwctl test`: evaluate the policy's `test` blocks on the compiled rulesets (no root needed).
struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Check the policy's test blocks (expect allow/deny/only) against the compiled rulesets.",
        discussion: """
            Compiles every host and evaluates each expectation exactly on the rules, without the \
            kernel. Prints each test and expectation with PASS or FAIL; for a failure, a packet \
            that shows it and the rule deciding it on each end (chain, rule index, the policy line \
            from its comment). Ends with `N passed, N failed`. Exit 0 when all pass, 2 when any fails.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var policy: PolicyOptions

    @Option(name: .long, help: ArgumentHelp("Also write a JUnit XML report to this file (for CI).", valueName: "file"))
    var junit: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        var failed = false
        try runReportingErrors {
            let (fleet, _) = try PolicyLoading.load(policy, quietWarnings: true)
            // Without test blocks there is nothing to evaluate, so nothing to compile.
            let report = fleet.tests.isEmpty ? PolicyTestReport.none
                : PolicyTestRunner(fleet: fleet, model: FleetModel(fleet: fleet, rulesets: Compiler(fleet: fleet).rulesetsByHost())).run()
            if let junit { try CompileCommand.writeReplacing(junit, report.junit()) }
            Terminal.writeOut(format == .json ? report.json() : report.text())
            failed = report.failed > 0
        }
        if failed { throw ExitCode(2) }
    }
}
