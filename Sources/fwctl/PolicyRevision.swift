import Foundation
import FwctlSystem

/// A policy to diff: a file or directory as it is, or `git:REV:path` as it was in a commit.
///
/// A git revision is copied into a fresh temporary directory (`git show` for a file, `git archive`
/// for a directory; git runs in the current directory), keeping the file names, so rule comments
/// read `name.policy:12: ...` as for a checked-out policy.
struct PolicyRevision {
    /// The path to load (inside `temporary` for a git revision).
    let path: String
    /// The directory to remove afterwards, if any.
    let temporary: URL?

    init(_ spec: String) throws {
        guard spec.hasPrefix("git:") else {
            // Loading it says why a path cannot be read (missing, a symlink loop, ...).
            path = spec
            temporary = nil
            return
        }
        let rest = spec.dropFirst(4)
        guard let colon = rest.firstIndex(of: ":"), colon != rest.startIndex else {
            throw CLIError("'\(spec)': expected git:REV:path")
        }
        let rev = String(rest[..<colon])
        var file = String(rest[rest.index(after: colon)...])
        while file.hasSuffix("/") && file.count > 1 { file.removeLast() }
        guard !file.isEmpty else { throw CLIError("'\(spec)': expected git:REV:path") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-diff-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do {
            let object = "\(rev):\(file)"
            let kind = try Self.git(["cat-file", "-t", object], spec: spec)
            let target = dir.appendingPathComponent((file as NSString).lastPathComponent)
            if String(decoding: kind, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "tree" {
                // `git archive REV:dir` writes the tree's contents at the archive's top level.
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                // The archive sits beside the directory, not in it (it may have any name).
                let tar = dir.path + ".tar"
                defer { try? FileManager.default.removeItem(atPath: tar) }
                try Self.git(["archive", "--format=tar", "--output=\(tar)", object], spec: spec)
                try Self.run(["tar", "-x", "-f", tar, "-C", target.path], spec: spec)
            } else {
                try Self.git(["show", object], spec: spec).write(to: target)
            }
            path = target.path
            temporary = dir
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    func remove() {
        if let temporary { try? FileManager.default.removeItem(at: temporary) }
    }

    @discardableResult
    static func git(_ args: [String], spec: String) throws -> Data {
        try run(["git"] + args, spec: spec)
    }

    /// Runs a program (Subprocess: no run loop, so this works in a namespace without
    /// loopback); its standard output, or a CLIError with its standard error.
    @discardableResult
    static func run(_ argv: [String], spec: String) throws -> Data {
        let r: Subprocess.Result
        do { r = try Subprocess.run(argv) } catch { throw CLIError("\(spec): \(error)") }
        guard r.succeeded else { throw CLIError("\(spec): \(argv.prefix(2).joined(separator: " ")) failed: \(r.errorText)") }
        return Data(r.stdout)
    }
}
