import Foundation

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
            guard FileManager.default.fileExists(atPath: spec) else { throw CLIError("'\(spec)': no such file or directory") }
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
                let tar = try Self.git(["archive", "--format=tar", object], spec: spec)
                try Self.run("/usr/bin/tar", ["-x", "-C", target.path], input: tar, spec: spec)
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
        try run("/usr/bin/env", ["git"] + args, input: nil, spec: spec)
    }

    /// Runs a program; its standard output, or a CLIError with its standard error.
    @discardableResult
    static func run(_ program: String, _ args: [String], input: Data?, spec: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input == nil ? FileHandle.nullDevice : inp
        do { try p.run() } catch { throw CLIError("\(spec): cannot run \(program): \(error.localizedDescription)") }
        // Feed and drain on other threads so neither pipe can fill up and block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box(), group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let input {
            group.enter()
            DispatchQueue.global().async {
                try? inp.fileHandleForWriting.write(contentsOf: input)
                try? inp.fileHandleForWriting.close()
                group.leave()
            }
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let message = String(decoding: errBox.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw CLIError("\(spec): \(([args.first ?? program] + args.dropFirst().prefix(1)).joined(separator: " ")) failed: \(message)")
        }
        return data
    }
}
