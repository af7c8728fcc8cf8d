import Foundation
import FwctlApply
import FwctlPlanner
import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

/// What the apply log records about the policy an apply was made from: a hash of its files
/// and, when they live in a git work tree, the commit and whether they differ from it.
enum PolicyProvenance {
    /// SHA-256 over the policy files in load order (a directory's *.policy sorted by name),
    /// each as `<file name>\n<byte count>\n<bytes>`: renaming, editing or adding a file
    /// changes it; where the policy directory sits does not.
    static func sha256(of path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        let files: [String]
        if isDirectory.boolValue {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            files = names.filter { $0.hasSuffix(".policy") }.sorted().map { (path as NSString).appendingPathComponent($0) }
        } else {
            files = [path]
        }
        var bytes: [UInt8] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { return nil }
            bytes += Array("\((file as NSString).lastPathComponent)\n\(data.count)\n".utf8) + data
        }
        return SHA256.hex(bytes)
    }

    /// HEAD of the git work tree holding `path`, and whether `path` has uncommitted changes;
    /// nil when it is not in one (or git is missing).
    static func gitCommit(of path: String) -> (commit: String, dirty: Bool)? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        let dir = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let git = ["-C", dir.isEmpty ? "." : dir]
        // One git run (apply waits for it before touching the kernel): the porcelain v2
        // header names HEAD, every other line is a changed or untracked policy file.
        let target = isDirectory.boolValue ? "." : (path as NSString).lastPathComponent
        guard let out = run(git + ["status", "--porcelain=v2", "--branch", "--", target]) else { return nil }
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        guard let oid = lines.first(where: { $0.hasPrefix("# branch.oid ") })?.dropFirst("# branch.oid ".count),
              oid.count >= 40, oid.allSatisfy(\.isHexDigit) else { return nil }
        return (String(oid), lines.contains { !$0.hasPrefix("#") })
    }

    /// Runs `git args...` with posix_spawn (Foundation's Process needs a run loop socket that
    /// is not always available, e.g. in a network namespace whose loopback is down); its
    /// standard output when it exits 0, nil otherwise.
    static func run(_ args: [String]) -> [UInt8]? {
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        let argv = ["git"] + args
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, "git", &actions, nil, &cargs, environ)
        close(pipeFDs[1])
        defer { close(pipeFDs[0]) }
        guard rc == 0 else { return nil }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(pipeFDs[0], &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            out += buffer[0..<n]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED && WEXITSTATUS == 0
        return status & 0x7f == 0 && (status >> 8) & 0xff == 0 ? out : nil
    }

    /// `record(policy:desired:)` computed on another thread; `wait()` returns it.
    final class Pending: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var value: ApplyLogEntry.Policy?

        fileprivate init(_ body: @escaping @Sendable () -> ApplyLogEntry.Policy) {
            Thread.detachNewThread { [self] in
                value = body()
                done.signal()
            }
        }

        func wait() -> ApplyLogEntry.Policy {
            done.wait()
            defer { done.signal() }   // a later wait() returns at once
            return value!
        }
    }

    static func inBackground(policy path: String, desired: Table) -> Pending {
        Pending { record(policy: path, desired: desired) }
    }

    /// The log's policy record for an apply of `desired` compiled from `path`. The table's
    /// hash is the one `fwctl audit export` reports (`ruleset_sha256`): SHA-256 of its nft
    /// text, so an auditor can match a log entry to a report and to `fwctl compile` output.
    static func record(policy path: String, desired: Table) -> ApplyLogEntry.Policy {
        let git = gitCommit(of: path)
        return ApplyLogEntry.Policy(sha256: sha256(of: path), tableSHA256: SHA256.hex(Array(NftText.render(Ruleset(tables: [desired])).utf8)),
                                    commit: git?.commit, dirty: git?.dirty)
    }
}
