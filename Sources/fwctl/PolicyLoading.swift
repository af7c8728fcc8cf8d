import FwctlPolicy

/// Reads and checks the policy, printing every diagnostic to standard error.
enum PolicyLoading {
    /// The checked fleet; throws (exit 1) when the policy cannot be read or has errors.
    static func load(_ options: PolicyOptions, quietWarnings: Bool = false) throws -> (fleet: Fleet, result: CheckResult) {
        let result: CheckResult
        do throws(PolicyLoadError) {
            result = try PolicyFrontEnd.load(path: options.policy, today: CalendarDate.today(), warnings: !quietWarnings)
        } catch .notUTF8(let path, let line, let column) {
            // Already a compiler-style `file:line:col: error:` line.
            Terminal.writeError(PolicyLoadError.notUTF8(path: path, line: line, column: column).description)
            throw CLIError.silent
        } catch {
            throw CLIError(error.description)
        }
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
