import ArgumentParser
import FwctlCLI

/// `fwctl`: compile, check, plan, apply, verify and audit host firewalls from one policy.
@main
struct Fwctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fwctl",
        abstract: "Host firewall policy manager: one role-based policy, one nftables table per host.",
        discussion: """
            The policy is a file or a directory of *.policy files (default /etc/fwctl/policy). \
            See docs/GUIDE.md for a tour, docs/POLICY-LANGUAGE.md for the language and docs/CLI.md \
            for every command.

            Exit codes: 0 success, 1 error, 2 changes/discrepancies where a command says so, 64 usage.
            """,
        version: FwctlVersion.string,
        subcommands: [CheckCommand.self, CompileCommand.self, PlanCommand.self, ApplyCommand.self, ConfirmCommand.self, RestoreCommand.self, VerifyCommand.self, TestCommand.self, DiffCommand.self, LabCommand.self, StatusCommand.self, AuditCommand.self]
    )

    /// Without a command: a usage error, not the help with exit 0.
    func run() throws { UsageRules.missingCommand(Self.self, root: Self.self) }

    static func main() { UsageRules.main(Self.self) }
}
