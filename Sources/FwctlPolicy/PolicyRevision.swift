import Foundation
import FwctlSystem

/// A version of a policy to read: a file or directory as it is, or `git:REV:path` as it was in
/// a commit.
///
/// A git revision is copied into a fresh temporary directory (`git show` for a file, `git archive`
/// for a directory), keeping the file names, so rule comments read `name.policy:12: ...` as for
/// a checked-out policy. Call `remove()` when done with it.
public struct PolicyRevision {
    /// The path to load (inside `temporary` for a git revision).
    public let path: String
    /// The directory to remove afterwards, if any.
    public let temporary: URL?

    /// `spec` as `fwctl diff` takes it; git runs in `gitDirectory` (nil: the current directory).
    public init(_ spec: String, gitDirectory: String? = nil) throws {
        guard spec.hasPrefix("git:") else {
            // Loading it says why a path cannot be read (missing, a symlink loop, ...).
            path = spec
            temporary = nil
            return
        }
        let rest = spec.dropFirst(4)
        guard let colon = rest.firstIndex(of: ":"), colon != rest.startIndex else {
            throw PolicyRevisionError("'\(spec)': expected git:REV:path")
        }
        let rev = String(rest[..<colon])
        var file = String(rest[rest.index(after: colon)...])
        while file.hasSuffix("/") && file.count > 1 { file.removeLast() }
        guard !file.isEmpty else { throw PolicyRevisionError("'\(spec)': expected git:REV:path") }
        let git = Git(spec: spec, directory: gitDirectory)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-diff-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do {
            let object = "\(rev):\(file)"
            let kind = try git.run(["cat-file", "-t", object])
            let target = dir.appendingPathComponent((file as NSString).lastPathComponent)
            if String(decoding: kind, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "tree" {
                // `git archive REV:dir` writes the tree's contents at the archive's top level.
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                // The archive sits beside the directory, not in it (it may have any name).
                let tar = dir.path + ".tar"
                defer { try? FileManager.default.removeItem(atPath: tar) }
                try git.run(["archive", "--format=tar", "--output=\(tar)", object])
                try git.program(["tar", "-x", "-f", tar, "-C", target.path])
            } else {
                try git.run(["show", object]).write(to: target)
            }
            path = target.path
            temporary = dir
        } catch {
            try? FileManager.default.removeItem(at: dir)
            throw error
        }
    }

    public func remove() {
        if let temporary { try? FileManager.default.removeItem(at: temporary) }
    }

    /// The programs a revision is read with, their failures named after the revision.
    private struct Git {
        let spec: String
        let directory: String?

        @discardableResult
        func run(_ args: [String]) throws -> Data {
            try program(["git"] + (directory.map { ["-C", $0] } ?? []) + args, name: "git \(args[0])")
        }

        /// Runs a program (Subprocess: no run loop, so this works in a namespace without
        /// loopback); its standard output, or an error with its standard error.
        @discardableResult
        func program(_ argv: [String], name: String? = nil) throws -> Data {
            let r: Subprocess.Result
            do { r = try Subprocess.run(argv) } catch { throw PolicyRevisionError("\(spec): \(error)") }
            let name = name ?? argv.prefix(2).joined(separator: " ")
            guard r.succeeded else { throw PolicyRevisionError("\(spec): \(name) failed: \(r.errorText)") }
            return Data(r.stdout)
        }
    }
}

/// A policy revision that cannot be read: the message names the revision and why.
public struct PolicyRevisionError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
