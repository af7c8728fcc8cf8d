import ArgumentParser
import FwctlCLI
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import FwctlVerifier

/// `fwctl verify`: prove each host's ruleset admits exactly the policy's flows.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove the compiled (or loaded) rulesets admit exactly the policy's flows.",
        discussion: """
            Compares each host's input and output chains (forward chain too, with forward = policy) \
            with what the policy says, over every IPv4 and IPv6 packet (exactly, not by sampling): every class of packets admitted \
            more or less than the policy says is reported with an example packet, the rule that \
            decided it and the policy line that says otherwise. Also checks the conntrack rules \
            and lists shadowed and redundant rules (warnings). With --live, reads this machine's \
            loaded table through netlink instead of compiling (root), so drift and hand edits show; \
            every difference from the compiled table (what fwctl plan would change) is reported too. \
            Exit status: 0 clean, 2 any discrepancy or problem, 1 error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var policy: PolicyOptions
    @OptionGroup var hosts: HostOptions

    @Flag(name: .long, help: "Verify the table loaded in the kernel (this machine, one host) instead of the compiled one.")
    var live = false

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    @Flag(name: .long, help: "Also print the role x role x service reachability matrix.")
    var matrix = false

    @Flag(name: .customLong("hosts"), help: "Also print the host x host matrix.")
    var hostMatrix = false

    func validate() throws {
        if live && hosts.all { throw ValidationError("--live verifies this machine's table: use --host NAME, not --all") }
    }

    func run() throws {
        var clean = true
        try runReportingErrors {
            let (fleet, _) = try PolicyLoading.load(policy, quietWarnings: true)
            let names = try hosts.selectedHosts(in: fleet)
            // Matrices need every host's ruleset; verification only the selected ones. Every
            // host at once shares each distinct table among the hosts that have it.
            let compiler = Compiler(fleet: fleet)
            var rulesets: [String: Ruleset] = [:]
            if matrix || hostMatrix || (hosts.all && !live) {
                rulesets = Dictionary(compiler.compileAll().map { ($0.host, $0.ruleset) }, uniquingKeysWith: { a, _ in a })
            } else {
                for name in names where !live { rulesets[name] = try compiler.compile(host: name) }
            }
            var drift: [String] = []
            if live { (rulesets[names[0]], drift) = try readLive(fleet, compiler: compiler, host: names[0]) }
            let results = PolicyVerifier.verify(fleet: fleet, hosts: names, rulesets: rulesets)
            var report = VerificationReport(source: live ? "live" : "compiled", hosts: results)
            if matrix || hostMatrix {
                let model = FleetModel(fleet: fleet, rulesets: rulesets)
                if matrix { report.matrix = Reachability.matrix(model, fleet: fleet) }
                if hostMatrix { report.hostMatrix = Reachability.hostMatrix(model, fleet: fleet) }
            }
            Terminal.writeOut(format == .json ? report.json : report.text)
            clean = report.isClean && drift.isEmpty
        }
        if !clean { throw ExitCode(2) }
    }
}
