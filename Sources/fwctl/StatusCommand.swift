import ArgumentParser
import Foundation
import FwctlCLI
import FwctlKernel
import FwctlPlanner
import FwctlStatus
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// `fwctl status`: what is loaded, drift, the last apply, and which flows are used.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the loaded table's drift, the last apply and per-flow counters.",
        discussion: """
            Reads fwctl's table through netlink (root), plans against the compiled policy for \
            drift, reads the last entry of the apply log, and maps each rule's packet and byte \
            counters back to its policy line: flows with packets are used, the rest never since \
            they were loaded; the chain policies' drop counters too. --format prometheus writes \
            the text exposition format for node_exporter's textfile collector; -o FILE replaces \
            FILE atomically (point it into the collector's directory, name ending in .prom). \
            Exit status: 0 in sync, 2 drift, 1 error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, prometheus }

    @OptionGroup var policy: PolicyOptions
    @Option(name: .long, help: ArgumentHelp("The host whose table this is (default: this machine's short hostname).", valueName: "name"))
    var host: String?

    @Option(name: .long, help: "Output format: text, json or prometheus.")
    var format: Format = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("The state directory whose apply log to read.", valueName: "dir"))
    var stateDir: String = KernelOptions.defaultStateDirectory

    @OptionGroup var logOptions: LogOptions

    func run() throws {
        var drift = false
        try runReportingErrors {
            try KernelOptions.requireRoot("fwctl status")
            let desired = try policy.compiledTable(host: host)
            let backend: NetlinkBackend
            do { backend = try NetlinkBackend() } catch { throw CLIError("cannot open a netlink socket to nf_tables: \(error)") }
            let status = try HostStatus.read(host: host ?? Terminal.shortHostname(), desired: desired, backend: backend,
                                             log: logOptions.applyLog(stateDir: stateDir))
            let text = switch format {
            case .text: status.text
            case .json: try status.json()
            case .prometheus: status.prometheus
            }
            if let output { try Self.writeAtomically(text, to: output) } else { Terminal.writeOut(text) }
            drift = !status.inSync
        }
        if drift { throw ExitCode(2) }
    }

    /// Temporary file in the same directory, fsync, rename: a collector reading the file
    /// sees the old or the new metrics, never half of them.
    static func writeAtomically(_ text: String, to path: String) throws {
        try AtomicFile.write(text, to: path, sync: true)
    }
}
