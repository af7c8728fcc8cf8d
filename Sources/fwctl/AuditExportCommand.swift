import ArgumentParser
import Foundation
import FwctlAudit
import FwctlCLI
import FwctlKernel
import FwctlLog
import FwctlPlanner
import FwctlSystem

/// `fwctl audit export`: the audit report of the policy, in JSON, CSV, Markdown or HTML.
struct AuditExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the audit report: hosts, flows with owners and review dates, verification, tests, matrix.",
        discussion: """
            Per host: its roles and addresses, every inbound and outbound flow of the policy with \
            its service, ports, peers, policy line, owner, justification and review-by date (flows \
            overdue for review, without justification, owner or review date are flagged), the \
            verifier's result and the SHA-256 of its compiled ruleset. For the policy: its content \
            hash and git commit, the policy tests' results and the role x role reachability matrix. \
            With --live (root, on the host itself), whether the loaded table matches the policy. \
            JSON follows docs/audit-schema-2.json (schema "fwctl-audit/2", see docs/AUDIT.md; \
            --schema 1 for docs/audit-schema.json, every peer host listed in every flow); HTML \
            is one self-contained page with the matrix and a diagram of the tiers. \
            Exit status: 0 the report was written (findings are not errors), 1 error, 64 usage.
            """
    )

    @OptionGroup var policy: PolicyOptions

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Report on this host (repeatable; default: every host).", valueName: "name"))
    var host: [String] = []
    @Flag(name: .long, help: "Report on every host (the default).")
    var all = false
    @Option(name: .long, help: "Output format: json, csv, md (Markdown) or html.")
    var format: AuditFormat = .json
    @Option(name: .long, help: "JSON schema version: 2 (peers by name, alike hosts share their class) or 1 (peers expanded).")
    var schema = 2

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write the report to this file (replaced atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Compare the table loaded in the kernel with the policy (root; this machine's host only).")
    var live = false

    @Option(name: .long, help: ArgumentHelp("Which host of the policy this machine is, for --live (default: its short hostname).", valueName: "name"))
    var thisHost: String?

    @Option(name: .long, help: ArgumentHelp("The apply log to take each host's last apply from (default: /var/lib/fwctl/apply-log.jsonl when it exists).", valueName: "file"))
    var log: String?

    func validate() throws {
        if all && !host.isEmpty { throw ValidationError("--host and --all exclude each other") }
        if thisHost != nil && !live { throw ValidationError("--this-host only matters with --live") }
        if ![1, 2].contains(schema) || (schema == 1 && format != .json) { throw ValidationError("--schema is 1 or 2, for --format json") }
    }

    func run() throws {
        try runReportingErrors {
            let (fleet, result) = try PolicyLoading.load(policy, quietWarnings: true)
            let names = host.isEmpty ? nil : try host.reduce(into: [String]()) { if !$0.contains($1) { $0.append(try HostOptions.resolve($1, all: false, in: fleet)[0]) } }
            let (states, reason) = try AuditLive.states(requested: live, fleet: fleet, me: thisHost ?? Terminal.shortHostname(), isRoot: geteuid() == 0) { try NetlinkBackend() }
            let (applies, warnings) = try ApplyLog.lastConcluded(named: log, defaultPath: ApplyLog.path(stateDirectory: KernelOptions.defaultStateDirectory))
            Terminal.warn(warnings)
            let write = { (out: (String) throws -> Void) in
                try format.write(fleet: fleet, files: result.files, hosts: names, schema: schema, now: Date(), git: PolicyGit.state(of: policy.policy),
                                 live: states, liveReason: reason, lastApply: applies.mapValues {
                                     AuditReport.LastApply(time: $0.time, user: $0.user, outcome: $0.outcome, policySHA256: $0.policySHA256, generation: $0.generation)
                                 }, to: out)
            }
            // To standard output as it is made, or to the -o file, replaced once complete.
            guard let output else { return try write { Terminal.writeOut($0) } }
            try AtomicFile.stream(to: output, write)
            Terminal.writeError("fwctl: wrote the audit report (\(format.rawValue)) to \(output)")
        }
    }
}

extension AuditFormat: ExpressibleByArgument {}
