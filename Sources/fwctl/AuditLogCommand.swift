import ArgumentParser
import FwctlCLI
import FwctlLog
import FwctlRuleset

/// `fwctl audit log`: lists the apply log, or checks its hash chain with --verify.
struct AuditLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List the apply log, or verify its hash chain (--verify).",
        discussion: """
            Every apply, confirm and automatic rollback appends one hash-chained entry to the \
            apply log (docs/AUDIT-LOG.md). --verify recomputes the chain and names each problem \
            by line and seq: an altered, removed, reordered or duplicated entry, a malformed line, \
            a torn last line. Entries cut off the end leave an intact chain: keep the printed head \
            hash elsewhere and pass it back with --anchor to detect that. \
            Exit status: 0 intact (or listed), 2 problems found, 1 error.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Flag(name: .long, help: "Check the hash chain and report each problem.")
    var verify = false

    @Option(name: .long, help: ArgumentHelp("With --verify: a head hash kept elsewhere earlier; it must still be in the log.", valueName: "sha256"))
    var anchor: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    @Option(name: .long, help: ArgumentHelp("The state directory whose apply-log.jsonl to read.", valueName: "dir"))
    var stateDir: String = KernelOptions.defaultStateDirectory

    @OptionGroup var logOptions: LogOptions

    func validate() throws {
        if anchor != nil && !verify { throw ValidationError("--anchor goes with --verify") }
    }

    func run() throws {
        var broken = false
        try runReportingErrors {
            let log = logOptions.applyLog(stateDir: stateDir)
            guard let data = try log.read() else { throw ApplyLogError.missing(path: log.path) }
            if verify {
                let report = ApplyLogVerifier.verify(data, anchor: anchor)
                broken = !report.intact
                Terminal.writeOut(format == .json ? try FwctlJSON.text(report) : report.text(path: log.path))
            } else {
                let entries = try log.entries()   // any error prints as `fwctl: error: …` (UsageRules.report)
                Terminal.writeOut(format == .json ? try FwctlJSON.text(entries) : entries.map(\.text).joined())
            }
        }
        if broken { throw ExitCode(2) }
    }
}
