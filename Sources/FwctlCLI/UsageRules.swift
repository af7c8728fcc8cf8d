import ArgumentParser
import Foundation

/// The command line's rules beyond ArgumentParser's: what it lets through that fwctl treats as
/// a usage error (exit 64), and one way every error of a command is printed.
public enum UsageRules {
    /// Parses and runs the command line as ArgumentParser's `main` does, with these rules.
    public static func main(_ root: ParsableCommand.Type) -> Never {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let problem = problem(arguments, root: root) { usageError(problem, help: root, root: root) }
        var command: ParsableCommand
        do { command = try root.parseAsRoot(arguments) } catch { root.exit(withError: error) }
        do { try command.run() } catch { report(error, root: root) }
        root.exit(withError: nil)
    }

    /// Why `arguments` (without the program name) are a usage error, or nil: `help` of a
    /// command that does not exist, or a single-valued option given twice (ArgumentParser
    /// would keep the last one without a word, and the run would use another policy or host
    /// than the one the user read first).
    public static func problem(_ arguments: [String], root: ParsableCommand.Type) -> String? {
        let args = Array(arguments.prefix { $0 != "--" })
        if args.first == "help" {
            let path = Array(args.dropFirst().prefix { !$0.hasPrefix("-") })
            return command(root, path: path) == nil ? "no command '\(path.joined(separator: " "))' (see `fwctl --help`)" : nil
        }
        // Tokens that name an option, without an attached `=value`; only a repeated one needs the command's options.
        let named = args.filter { $0.hasPrefix("-") && $0 != "-" }.map { String($0.split(separator: "=", maxSplits: 1)[0]) }
        guard Set(named).count < named.count else { return nil }
        var type = root, depth = 0
        while depth < args.count, let next = command(type, path: [args[depth]]) { type = next; depth += 1 }
        for name in singleValued(type) {
            let n = named.count { $0 == name }
            if n > 1 { return "\(name) is given \(n) times; it takes one value" }
        }
        return nil
    }

    /// The subcommand of `root` at `path` (`["audit", "log"]`), or nil when there is none.
    public static func command(_ root: ParsableCommand.Type, path: [String]) -> ParsableCommand.Type? {
        var type = root
        for name in path {
            guard let next = type.configuration.subcommands.first(where: { $0._commandName == name }) else { return nil }
            type = next
        }
        return type
    }

    /// `--name` and `-n` of the options of `type` that take one value. ArgumentParser exposes
    /// its model of a command only as the tool-info JSON (`--experimental-dump-help`).
    public static func singleValued(_ type: ParsableCommand.Type) -> [String] {
        guard let json = try? JSONSerialization.jsonObject(with: Data(type._dumpHelp().utf8)) as? [String: Any],
              let command = json["command"] as? [String: Any], let arguments = command["arguments"] as? [[String: Any]] else { return [] }
        return arguments.filter { $0["kind"] as? String == "option" && $0["isRepeating"] as? Bool == false }.flatMap { a in
            ((a["names"] as? [[String: Any]]) ?? []).compactMap { n in
                guard let name = n["name"] as? String else { return nil }
                return n["kind"] as? String == "short" ? "-" + name : "--" + name
            }
        }
    }

    /// ArgumentParser's own errors (exit codes, help requests, validation) as it prints them;
    /// any other error a command throws as `fwctl: error: …`, exit 1, whichever module it
    /// comes from, so no command can print an error another way.
    public static func report(_ error: Error, root: ParsableCommand.Type) -> Never {
        if String(reflecting: type(of: error)).hasPrefix("ArgumentParser.") { root.exit(withError: error) }
        let message = (error as? CLIError)?.message ?? "\(error)"
        if !message.isEmpty { Terminal.writeError("fwctl: error: \(message)") }
        root.exit(withError: ExitCode.failure)
    }

    /// A command that only groups subcommands (`fwctl`, `fwctl audit`), run alone.
    public static func missingCommand(_ type: ParsableCommand.Type, root: ParsableCommand.Type) -> Never {
        let names = type.configuration.subcommands.map { $0._commandName }
        usageError("missing command: one of \(names.joined(separator: ", "))", help: type, root: root)
    }

    /// A usage error: the message, the command's help on standard error, exit 64.
    public static func usageError(_ message: String?, help type: ParsableCommand.Type, root: ParsableCommand.Type) -> Never {
        if let message { Terminal.writeError("fwctl: error: \(message)") }
        Terminal.writeError(root.helpMessage(for: type))
        root.exit(withError: ExitCode.validationFailure)
    }
}
