import Foundation
import FwctlSystem

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
        guard mayBeInWorkTree(workDir) else { return nil }
        guard let head = run(["-C", workDir, "rev-parse", "--verify", "-q", "HEAD"]),
              let commit = head.split(separator: "\n").first.map(String.init), commit.count >= 40 else { return nil }
        // Untracked and modified files both count: the export is not of the commit then.
        let target = isDirectory.boolValue ? "." : (path as NSString).lastPathComponent
        guard let status = run(["-C", workDir, "status", "--porcelain", "--", target]) else { return nil }
        return AuditReport.Git(commit: commit, dirty: !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    /// False when git could not find a repository for `directory`: no `.git` in it or any
    /// directory above it, and none named by the environment. git's own search only stops
    /// sooner (ceilings, file system boundaries), so this never hides a work tree; it spares
    /// the two git processes (milliseconds of every apply) on a server whose policy is not
    /// in a checkout.
    static func mayBeInWorkTree(_ directory: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if environment["GIT_DIR"] != nil || environment["GIT_WORK_TREE"] != nil { return true }
        var dir = URL(fileURLWithPath: directory).standardizedFileURL.path
        while true {
            var st = stat()
            if lstat(dir + "/.git", &st) == 0 { return true }
            guard dir != "/", !dir.isEmpty else { return false }
            dir = (dir as NSString).deletingLastPathComponent
        }
    }

    /// git's standard output, or nil when git is missing or fails. Never prompts, never
    /// pages; Subprocess, so it works in a namespace whose loopback is down (`--live`).
    static func run(_ args: [String]) -> String? {
        guard let r = try? Subprocess.run(["git"] + args, environment: ["GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"]), r.succeeded else { return nil }
        return r.output
    }
}
