import ArgumentParser
import Foundation
import FwctlCLI
import FwctlCompiler
import FwctlNet
import FwctlPlanner
import FwctlPolicy
import FwctlRuleset
import FwctlSystem

/// `fwctl compile`: print (or write per host) the compiled ruleset.
struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Compile the policy into one nftables table per host.",
        discussion: """
            Prints the ruleset of one host (default: this machine's short hostname) as nft would \
            list it, or nft's JSON. With -o DIR, writes DIR/HOST.nft (or .json) for each host \
            selected. Nothing is compiled from a policy with errors.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case nft, json }

    @OptionGroup var policy: PolicyOptions
    @OptionGroup var hosts: HostOptions

    @Option(name: .long, help: "Output format: nft (the text `nft list table` prints) or json (nft's JSON schema).")
    var format: Format = .nft

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write one file per host into this directory (created if missing).", valueName: "dir"))
    var outputDirectory: String?

    func run() throws {
        try runReportingErrors {
            let (fleet, _) = try PolicyLoading.load(policy, quietWarnings: true)
            let names = try hosts.selectedHosts(in: fleet)
            let compiler = Compiler(fleet: fleet)
            let cache = SetTextCache()
            let render: (Ruleset) -> String = format == .nft ? { NftText.render($0, setCache: cache) } : { NftJSON.render($0) }
            if let dir = outputDirectory {
                try write(names: names, compiler: compiler, render: render, to: dir)
                return
            }
            for name in names {
                let ruleset = try compiler.compile(host: name)
                if names.count > 1 && format == .nft { Terminal.writeOut("# host \(name)\n") }
                Terminal.writeOut(render(ruleset))
            }
        }
    }

    private func write(names: [String], compiler: Compiler, render: (Ruleset) -> String, to dir: String) throws {
        try OutputDirectory.create(dir)
        for name in names {
            let path = (dir as NSString).appendingPathComponent("\(name).\(format.rawValue)")
            let text = render(try compiler.compile(host: name))
            // Write to a temporary file and rename, so a reader never sees half a ruleset.
            try Self.writeReplacing(path, text)
        }
        Terminal.writeError("fwctl: wrote \(counted(names.count, "ruleset")) to \(dir)/")
    }

    /// Writes `text` to `path + ".tmp"` with plain POSIX calls, then renames it over `path`.
    static func writeReplacing(_ path: String, _ text: String) throws {
        try AtomicFile.write(text, to: path)
    }
}
