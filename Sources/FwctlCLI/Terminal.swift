import ArgumentParser
import Foundation
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// Where output goes, and whether it may be coloured.
public enum Terminal {
    /// Colour only on a terminal, and never with NO_COLOR set (https://no-color.org).
    public static var colorOnStdout: Bool { isatty(1) == 1 && getenv("NO_COLOR") == nil }
    public static var colorOnStderr: Bool { isatty(2) == 1 && getenv("NO_COLOR") == nil }

    /// Writes to standard error (fd 2; the C `stderr` global is not usable from Swift 6).
    public static func writeError(_ text: String) {
        var t = text
        if !t.hasSuffix("\n") { t += "\n" }
        write(2, t)
    }

    public static func writeOut(_ text: String) {
        write(1, text)
    }

    private static func write(_ fd: Int32, _ text: String) {
        _ = Syscall.writeAll(fd, Array(text.utf8))
    }

    /// Each warning as one line `fwctl: warning: …` on standard error.
    public static func warn(_ warnings: [String]) {
        for w in warnings { writeError("fwctl: warning: \(w)") }
    }

    public static func warn(_ warning: String?) { warn(warning.map { [$0] } ?? []) }

    /// Asks `question` on the terminal and reads one line; only `yes` goes on. Throws
    /// `declined` for any other answer, `notATerminal` when standard input is not a terminal
    /// (nobody to ask).
    public static func requireYes(_ question: String, declined: String, notATerminal: String) throws {
        guard isatty(0) == 1 else { throw CLIError(notATerminal) }
        writeOut(question)
        guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else { throw CLIError(declined) }
    }

    /// The machine's short hostname (up to the first dot).
    public static func shortHostname() -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return String(name.split(separator: ".").first ?? Substring(name))
    }
}

/// An error the user can act on: printed as one line `fwctl: error: ...`, exit 1.
public struct CLIError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    /// Diagnostics were already printed: exit 1 without another line.
    public static let silent = CLIError("")
    public var description: String { message }
}

/// Runs a command body, turning CLIError into one line on stderr and exit 1.
public func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as CLIError {
        if !e.message.isEmpty { Terminal.writeError("fwctl: error: \(e.message)") }
        throw ExitCode.failure
    }
}
