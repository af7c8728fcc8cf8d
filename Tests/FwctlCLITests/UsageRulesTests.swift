import ArgumentParser
import FwctlCLI
import Testing

/// The usage rules on a small command tree of their own: what ArgumentParser lets through
/// and fwctl refuses (exit 64).
@Suite struct UsageRulesTests {
    struct Root: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "tool", subcommands: [Sub.self, Group.self])
    }

    struct Sub: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sub")
        @Option var policy: String = "p"
        @Option(parsing: .singleValue) var host: [String] = []
        @Flag var verbose = false
    }

    struct Group: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "group", subcommands: [Leaf.self])
    }

    struct Leaf: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "leaf")
        @Option(name: .shortAndLong) var output: String?
    }

    @Test(arguments: [
        (["sub", "--policy", "a", "--policy", "b"], "--policy is given 2 times; it takes one value"),
        (["sub", "--policy=a", "--policy", "b", "--policy=c"], "--policy is given 3 times; it takes one value"),
        (["group", "leaf", "-o", "x", "-o", "y"], "-o is given 2 times; it takes one value"),
        (["help", "nosuch"], "no command 'nosuch' (see `fwctl --help`)"),
        (["help", "group", "nosuch"], "no command 'group nosuch' (see `fwctl --help`)"),
    ])
    func aUsageError(arguments: [String], message: String) {
        #expect(UsageRules.problem(arguments, root: Root.self) == message)
    }

    @Test(arguments: [
        ["sub", "--policy", "a"],
        ["sub", "--host", "a", "--host", "b"],           // repeatable
        ["sub", "--verbose", "--verbose"],               // a flag takes no value
        ["sub", "--policy", "a", "--", "--policy", "b"], // after `--`: arguments, not options
        ["group", "leaf", "-o", "x", "--output", "y"],   // two spellings, each once
        ["help", "group", "leaf"],
        [],
    ])
    func notAUsageError(arguments: [String]) {
        #expect(UsageRules.problem(arguments, root: Root.self) == nil)
    }

    @Test func commandsByPath() {
        #expect(UsageRules.command(Root.self, path: ["group", "leaf"]).map(ObjectIdentifier.init) == ObjectIdentifier(Leaf.self))
        #expect(UsageRules.command(Root.self, path: []).map(ObjectIdentifier.init) == ObjectIdentifier(Root.self))
        #expect(UsageRules.command(Root.self, path: ["leaf"]) == nil)
    }

    @Test func singleValuedOptions() {
        #expect(UsageRules.singleValued(Sub.self) == ["--policy"])
        #expect(Set(UsageRules.singleValued(Leaf.self)) == ["-o", "--output"])
    }
}
