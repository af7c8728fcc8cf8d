import FwctlPolicy
import FwctlSystem

/// Reads and checks the policy, printing every diagnostic to standard error.
public enum PolicyLoading {
    /// The checked fleet of the policy at `path` (a file or a directory); throws (exit 1) when
    /// the policy cannot be read or has errors.
    public static func load(path: String, quietWarnings: Bool = false) throws -> (fleet: Fleet, result: CheckResult) {
        let result = try frontEnd { () throws(PolicyLoadError) in
            try PolicyFrontEnd.load(path: path, today: CalendarDate.today(), warnings: !quietWarnings)
        }
        return try checked(result, quietWarnings: quietWarnings)
    }

    /// The same on policy files already read (their bytes as on disk), checked as of `today`.
    public static func load(files: [(path: String, bytes: [UInt8])], today: CalendarDate, quietWarnings: Bool) throws -> (fleet: Fleet, result: CheckResult) {
        let result = try frontEnd { () throws(PolicyLoadError) in
            var sources: [SourceFile] = []
            for f in files { sources.append(try PolicyFrontEnd.sourceFile(path: f.path, bytes: f.bytes)) }
            return PolicyFrontEnd.check(files: sources, today: today, warnings: !quietWarnings)
        }
        return try checked(result, quietWarnings: quietWarnings)
    }

    private static func frontEnd(_ body: () throws(PolicyLoadError) -> CheckResult) throws -> CheckResult {
        do throws(PolicyLoadError) {
            return try body()
        } catch .notUTF8(let path, let line, let column) {
            // Already a compiler-style `file:line:col: error:` line.
            Terminal.writeError(PolicyLoadError.notUTF8(path: path, line: line, column: column).description)
            throw CLIError.silent
        }
    }

    /// Prints the diagnostics (errors only when `quietWarnings`); the fleet unless there are errors.
    private static func checked(_ result: CheckResult, quietWarnings: Bool) throws -> (fleet: Fleet, result: CheckResult) {
        // Freed only by the process's exit (see ProcessLifetime): a large policy's objects
        // cost milliseconds to release one by one.
        ProcessLifetime.keepUntilExit(result)
        let shown = quietWarnings ? result.diagnostics.filter { $0.severity == .error } : result.diagnostics
        if !shown.isEmpty {
            let renderer = DiagnosticRenderer(files: result.files, color: Terminal.colorOnStderr)
            Terminal.writeError(renderer.render(shown))
        }
        guard let fleet = result.fleet, !result.hasErrors else {
            throw CLIError.silent
        }
        return (fleet, result)
    }
}
