import ArgumentParser
import Foundation
import FwctlApply
import FwctlAudit
import FwctlCompiler
import FwctlPlanner
import FwctlPolicy
import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

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
            var names: [String]? = nil
            if !host.isEmpty {
                names = []
                for h in host where !names!.contains(h) { names!.append(try HostOptions.resolve(h, all: false, in: fleet)[0]) }
            }
            var (liveStates, reason): ([String: AuditReport.Live], String) = ([:], "not requested (run with --live as root on the host)")
            if live {
                do {
                    (liveStates, reason) = try AuditLive.states(fleet: fleet, me: thisHost ?? Terminal.shortHostname(), isRoot: geteuid() == 0) { try NetlinkBackend() }
                } catch let e as CompileError { throw CLIError(e.description) }
            }
            let (now, git, applies) = (Date(), PolicyGit.state(of: policy.policy), try lastApplies())
            try write { out in
                if format == .json && schema == 2 {
                    try AuditExport(fleet: fleet, files: result.files, hosts: names, now: now, git: git,
                                    live: liveStates, liveReason: reason, lastApply: applies).write(out)
                } else {
                    try out(format.render(AuditReportBuilder(fleet: fleet, files: result.files).build(
                        hosts: names, now: now, git: git, live: liveStates, liveReason: reason, lastApply: applies)))
                }
            }
            if let output { Terminal.writeError("fwctl: wrote the audit report (\(format.rawValue)) to \(output)") }
        }
    }

    /// To standard output as it is made, or to the -o file, replaced once complete.
    func write(_ body: ((String) throws -> Void) throws -> Void) throws {
        guard let output else { return try body { Terminal.writeOut($0) } }
        do { try AtomicFile.stream(to: output, body) } catch let failure as AtomicFile.Failure { throw CLIError(failure.description) }
    }

    /// Each host's latest concluded entry (apply, rollback or confirm) in the apply log. A log
    /// named with --log must be readable; the default one is used only when it exists. A log
    /// whose hash chain is broken is still reported, with a warning (`fwctl audit log --verify`).
    func lastApplies() throws -> [String: AuditReport.LastApply] {
        let path = log ?? ApplyLog.path(stateDirectory: KernelOptions.defaultStateDirectory)
        guard log != nil || FileManager.default.isReadableFile(atPath: path) else { return [:] }
        let applyLog = ApplyLog(path: path)
        guard let data = try applyLog.read() else {
            if log != nil { throw CLIError("apply log '\(path)' does not exist") }
            return [:]
        }
        if !ApplyLogVerifier.verify(data).intact {
            Terminal.writeError("fwctl: warning: the apply log \(path) fails its hash-chain check; run `fwctl audit log --verify --log \(path)`")
        }
        let entries: [ApplyLogEntry]
        do {
            entries = try applyLog.entries()
        } catch {
            Terminal.writeError("fwctl: warning: no last apply in the report: \(error)")
            return [:]
        }
        var last: [String: AuditReport.LastApply] = [:]
        for e in entries where e.outcome != "started" {
            let outcome = e.action == .apply ? e.outcome : "\(e.action.rawValue): \(e.outcome)"
            last[e.host] = AuditReport.LastApply(time: e.time, user: e.actor.text, outcome: outcome,
                                                 policySHA256: e.policy.sha256 ?? "", generation: e.generationAfter)
        }
        return last
    }
}

extension AuditFormat: ExpressibleByArgument {}
