import ArgumentParser
import FwctlCLI
import FwctlPolicy

/// `--policy PATH` and `--verbose`, shared by every command that reads the policy.
struct PolicyOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The policy: a file, or a directory of *.policy files.", valueName: "path"))
    var policy: String = "/etc/fwctl/policy"

    @Flag(name: .long, help: "Say which names in the policy directory are not read (hidden, or not *.policy) and why.")
    var verbose = false

    /// With --verbose, the names the policy directory's listing skips. Here, once parsing is
    /// done, so every command says it whichever way it goes on to read the policy.
    func validate() throws {
        guard verbose, let listing = try? PolicyDirectory.list(policy) else { return }
        let dir = policy.hasSuffix("/") ? policy : policy + "/"
        for s in listing.skipped { Terminal.writeError("fwctl: skipped \(dir)\(s.name): \(s.reason)") }
    }
}

/// `--host NAME` / `--all`.
struct HostOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The host to compile for (default: this machine's short hostname).", valueName: "name"))
    var host: String?

    @Flag(name: .long, help: "Every host of the policy.")
    var all = false

    func validate() throws {
        if all && host != nil { throw ValidationError("--host and --all exclude each other") }
    }

    /// The hosts to work on: all of them, the named one, or this machine's.
    func selectedHosts(in fleet: Fleet) throws -> [String] {
        try Self.resolve(host, all: all, in: fleet)
    }

    static func resolve(_ host: String?, all: Bool, in fleet: Fleet) throws -> [String] {
        all ? fleet.hosts.map(\.name) : [try fleet.chosenHost(host, hostname: Terminal.shortHostname())]
    }
}

extension PolicyLoading {
    /// The checked fleet of the policy `--policy` names.
    static func load(_ options: PolicyOptions, quietWarnings: Bool = false) throws -> (fleet: Fleet, result: CheckResult) {
        try load(path: options.policy, quietWarnings: quietWarnings)
    }
}
