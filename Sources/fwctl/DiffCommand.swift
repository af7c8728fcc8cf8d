import ArgumentParser
import FwctlCLI
import FwctlCompiler
import FwctlPolicy
import FwctlVerifier

/// `fwctl diff OLD NEW`: the flows one policy admits and the other does not, for code review.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the flows a policy change adds and removes, with the policy lines responsible.",
        discussion: """
            OLD and NEW are policy files, directories, or git:REV:path (read with git from the \
            current directory). Both are compiled and what each admits between roles and networks \
            is compared exactly. Prints `+ SRC -> DST : SERVICE   (file:line: the flow)` for each \
            flow added and `-` for each removed. Exit 0 when they admit the same, 2 when not.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: ArgumentHelp("The old policy: file, directory or git:REV:path.", valueName: "old"))
    var old: String

    @Argument(help: ArgumentHelp("The new policy: file, directory or git:REV:path.", valueName: "new"))
    var new: String

    @Option(name: .long, help: "Output format: text or json.")
    var format: Format = .text

    func run() throws {
        var differ = false
        try runReportingErrors {
            let diff = PolicyDiff.between(old: try Self.fleet(old), new: try Self.fleet(new)) { Compiler(fleet: $0).rulesetsByHost() }
            Terminal.writeOut(format == .json ? diff.json() : diff.text())
            differ = !diff.isEmpty
        }
        if differ { throw ExitCode(2) }
    }

    /// A version read and checked (git revisions checked out to a scratch directory and removed).
    static func fleet(_ spec: String) throws -> Fleet {
        let revision = try PolicyRevision(spec)
        defer { revision.remove() }
        return try PolicyLoading.load(path: revision.path, quietWarnings: true).fleet
    }
}
