import ArgumentParser
import Dispatch
import Foundation
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
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
            let fleets = [try Self.fleet(old), try Self.fleet(new)]
            // Equal versions admit the same (compiling is a function of the fleet): nothing to compile.
            let flows = fleets[0] == fleets[1] ? nil : Self.flows(fleets)
            let diff = flows.map { PolicyDiff(old: $0[0], new: $0[1]) } ?? .none
            Terminal.writeOut(format == .json ? diff.json() : diff.text())
            differ = !diff.isEmpty
        }
        if differ { throw ExitCode(2) }
    }

    /// A version read and checked (git revisions checked out to a scratch directory and removed).
    static func fleet(_ spec: String) throws -> Fleet {
        let revision = try PolicyRevision(spec)
        defer { revision.remove() }
        return try PolicyLoading.load(try PolicyOptions.parse(["--policy", revision.path]), quietWarnings: true).fleet
    }

    /// Both versions compiled (each distinct table once), modelled and their flows computed side by side.
    static func flows(_ fleets: [Fleet]) -> [PolicyFlows] {
        let results = Slots<PolicyFlows>(count: fleets.count)
        DispatchQueue.concurrentPerform(iterations: fleets.count) { v in
            let fleet = fleets[v]
            let rulesets = Dictionary(Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }, uniquingKeysWith: { a, _ in a })
            results.set(v, PolicyFlows(fleet: fleet, model: FleetModel(fleet: fleet, rulesets: rulesets)))
        }
        return results.values.map { $0! }
    }
}

/// Results that parallel workers fill, one slot each, read when all are done.
final class Slots<T>: @unchecked Sendable {
    private(set) var values: [T?]
    private let lock = NSLock()

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: T) { lock.withLock { values[i] = value } }
}
