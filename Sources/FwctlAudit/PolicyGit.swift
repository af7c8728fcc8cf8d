import Foundation

/// The git state of a policy: the commit of the work tree it sits in, and whether the
/// policy's files differ from that commit. No git, or not a work tree: nil, never an error
/// (an audit of a policy outside version control is still an audit).
public enum PolicyGit {
    /// `path` is the policy file or directory.
    public static func state(of path: String) -> AuditReport.Git? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        let dir = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let workDir = dir.isEmpty ? "." : dir
        guard let head = run(["-C", workDir, "rev-parse", "--verify", "-q", "HEAD"]),
              let commit = head.split(separator: "\n").first.map(String.init), commit.count >= 40 else { return nil }
        // Untracked and modified files both count: the export is not of the commit then.
        let target = isDirectory.boolValue ? "." : (path as NSString).lastPathComponent
        guard let status = run(["-C", workDir, "status", "--porcelain", "--", target]) else { return nil }
        return AuditReport.Git(commit: commit, dirty: !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    /// git's standard output, or nil when git is missing or fails.
    static func run(_ args: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git"] + args
        var env = ProcessInfo.processInfo.environment
        // Never prompt, never page, and read no repository the user did not point at.
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["GIT_PAGER"] = "cat"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
