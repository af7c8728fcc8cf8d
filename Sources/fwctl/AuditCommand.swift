import ArgumentParser
import FwctlCLI

/// `fwctl audit`: reports for auditors. A command group: each report is a subcommand.
struct AuditCommand: ParsableCommand {
    /// The group's subcommands; a new report (e.g. `audit log`) is one more entry here.
    static let subcommands: [any ParsableCommand.Type] = [AuditExportCommand.self, AuditLogCommand.self]

    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Reports for auditors: what the policy allows, why, and whether the hosts enforce it.",
        subcommands: subcommands
    )

    func run() throws { UsageRules.missingCommand(Self.self, root: Fwctl.self) }
}
