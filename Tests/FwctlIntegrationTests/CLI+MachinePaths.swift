import Testing

/// No test may read or write the machine's /etc/fwctl or /var/lib/fwctl: every way a test
/// starts fwctl (`CLI.run`, `CLI.argv`) refuses a command line that would fall back to one
/// of them, so a forgotten `--state-dir`, `--log` or `--policy` fails the test that forgot
/// it instead of silently reading the machine's state.
extension CLI {
    /// `[fwctl] + args`, for running fwctl some other way (in a namespace, as another user).
    static func argv(_ args: [String]) throws -> [String] {
        try refuseMachineDefaults(args)
        return [binary.path] + args
    }

    /// Throws when `args` would make fwctl use a default under /etc/fwctl or /var/lib/fwctl.
    static func refuseMachineDefaults(_ args: [String]) throws {
        if args.contains("--help") || args.contains("-h") { return }
        let words = args.prefix { !$0.hasPrefix("-") }
        guard let command = words.first else { return }
        let name = command == "audit" ? "audit " + (words.dropFirst().first ?? "") : command
        func has(_ option: String) -> Bool { args.contains(option) || args.contains { $0.hasPrefix(option + "=") } }
        var missing: [String] = []
        // Every command that reads a policy defaults to /etc/fwctl/policy.
        let readsPolicy: Set = ["check", "compile", "plan", "apply", "status", "verify", "test", "lab", "audit export"]
        if readsPolicy.contains(name) && !has("--policy") { missing.append("--policy") }
        // The state directory (and the apply log in it) defaults to /var/lib/fwctl.
        let usesState: Set = ["plan", "apply", "confirm", "status"]
        if usesState.contains(name) && !has("--state-dir") { missing.append("--state-dir") }
        if name == "audit log" && !has("--state-dir") && !has("--log") { missing.append("--state-dir or --log") }
        // The export reads /var/lib/fwctl/apply-log.jsonl when it exists.
        if name == "audit export" && !has("--log") { missing.append("--log") }
        if !missing.isEmpty {
            throw TestFailure("fwctl \(name) without \(missing.joined(separator: ", ")) would use the machine's /etc/fwctl or /var/lib/fwctl: pass a path in the test's temporary directory")
        }
    }
}

/// The guard itself: it refuses exactly the command lines that would use a machine default.
@Suite struct MachinePathGuardTests {
    @Test(arguments: [
        (["audit", "export", "--policy", "p"], false),
        (["audit", "export", "--policy", "p", "--log", "l"], true),
        (["plan", "--policy", "p"], false),
        (["plan", "--policy", "p", "--state-dir", "d"], true),
        (["status", "--state-dir", "d"], false),
        (["confirm", "--state-dir=d"], true),
        (["audit", "log"], false),
        (["audit", "log", "--log", "l"], true),
        (["check"], false),
        (["check", "--help"], true),
        (["diff", "a", "b"], true),
    ])
    func refusesMachineDefaults(args: [String], allowed: Bool) {
        let passed = (try? CLI.refuseMachineDefaults(args)) != nil
        #expect(passed == allowed, "\(args)")
    }
}
