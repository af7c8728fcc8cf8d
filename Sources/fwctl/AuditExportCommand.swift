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
            JSON follows docs/audit-schema.json (schema "fwctl-audit/1", see docs/AUDIT.md); HTML \
            is one self-contained page with the matrix and a diagram of the tiers. \
            Exit status: 0 the report was written (findings are not errors), 1 error, 64 usage.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case json, csv, md, html }

    @OptionGroup var policy: PolicyOptions

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Report on this host (repeatable; default: every host).", valueName: "name"))
    var host: [String] = []

    @Flag(name: .long, help: "Report on every host (the default).")
    var all = false

    @Option(name: .long, help: "Output format: json, csv, md (Markdown) or html.")
    var format: Format = .json

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
    }

    func run() throws {
        try runReportingErrors {
            let (fleet, result) = try PolicyLoading.load(policy, quietWarnings: true)
            var names: [String]? = nil
            if !host.isEmpty {
                names = []
                for h in host where !names!.contains(h) { names!.append(try HostOptions.resolve(h, all: false, in: fleet)[0]) }
            }
            var liveStates: [String: AuditReport.Live] = [:]
            var reason = "not requested (run with --live as root on the host)"
            if live {
                let me = thisHost ?? Terminal.shortHostname()
                if fleet.host(named: me) == nil {
                    reason = "this machine (\(me)) is not a host of the policy; pass --this-host NAME"
                } else if geteuid() != 0 {
                    reason = "needs root (CAP_NET_ADMIN) to read the kernel's table"
                } else {
                    reason = "not this machine (checked on \(me) only)"
                    liveStates[me] = try Self.liveState(fleet: fleet, host: me)
                }
            }
            let report = AuditReportBuilder(fleet: fleet, files: result.files).build(
                hosts: names, now: Date(), git: PolicyGit.state(of: policy.policy),
                live: liveStates, liveReason: reason, lastApply: try lastApplies())
            let text: String
            switch format {
            case .json: text = AuditJSON.render(report)
            case .csv: text = AuditCSV.render(report)
            case .md: text = AuditMarkdown.render(report)
            case .html: text = AuditHTML.render(report)
            }
            guard let output else { return Terminal.writeOut(text) }
            try CompileCommand.writeReplacing(output, text)
            Terminal.writeError("fwctl: wrote the audit report (\(format.rawValue)) to \(output)")
        }
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

    /// The loaded table against the compiled one: the plan `fwctl plan` would show, read-only
    /// (no lock, no state directory: an audit never changes the host).
    static func liveState(fleet: Fleet, host: String) throws -> AuditReport.Live {
        let desired: Table
        do { desired = try Compiler(fleet: fleet).compile(host: host).tables[0] } catch { throw CLIError(error.description) }
        do {
            let current = try NetlinkBackend().readAndPlan(toward: desired)
            let summary = current.plan.summary
            if summary.add + summary.change + summary.remove == 0 { return AuditReport.Live(state: .matched) }
            let why = current.current == nil ? "table \(desired.ref) is not loaded" : "the loaded table differs from the policy"
            return AuditReport.Live(state: .drift, reason: why, add: summary.add, change: summary.change, remove: summary.remove)
        } catch {
            return AuditReport.Live(state: .notChecked, reason: "cannot read table \(desired.ref) from the kernel: \(error)")
        }
    }
}
