import ArgumentParser
import Foundation
import FwctlCLI
import FwctlLab

/// `fwctl lab`: the policy's fleet live in network namespaces, probed, against the verifier.
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Build the fleet in network namespaces, probe it, and compare with the verifier.",
        discussion: """
            Needs root. One namespace per host and per outside network, joined by a bridge in a \
            namespace of its own (never the root namespace). Each host's compiled table is loaded \
            through netlink; every (source, destination, port) is probed over TCP and UDP, IPv4 \
            and IPv6. Exit 2 when an observed outcome differs from the verifier's prediction.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var policy: PolicyOptions

    @Flag(name: .long, help: "Keep the namespaces afterwards (delete them with `ip netns delete`).")
    var keep = false

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        var agrees = true
        try runReportingErrors {
            try KernelOptions.requireRoot("fwctl lab", why: "(it creates network namespaces)")
            let (fleet, _) = try PolicyLoading.load(policy, quietWarnings: true)
            // Interrupts delete the namespaces made so far before exiting.
            LabRegistry.installSignalHandlers()
            var lab = Lab(fleet: fleet)
            lab.keep = keep
            let report: LabReport
            do { report = try lab.run() } catch { throw CLIError("lab: \(error)") }
            Terminal.writeOut(format == .text ? report.text : report.json)
            agrees = report.agrees
        }
        if !agrees { throw ExitCode(2) }
    }
}
