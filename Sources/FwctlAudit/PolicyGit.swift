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
    ///
    /// posix_spawn rather than Foundation's Process: Process sets up a run-loop socket pair
    /// that fails (with a message on stderr) in a network namespace whose loopback is down,
    /// which is where `--live` runs in tests and labs.
    static func run(_ args: [String]) -> String? {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        // Never prompt and never page.
        var env = ProcessInfo.processInfo.environment
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["GIT_PAGER"] = "cat"
        let argv = ["git"] + args
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "git", &actions, nil, &cArgs, &cEnv)
        close(fds[1])
        guard spawned == 0 else { close(fds[0]); return nil }
        var output = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fds[0], &buffer, buffer.count)
            if n > 0 { output += buffer[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        close(fds[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Exited normally with status 0 (the wait status's low 7 bits are the signal, if any).
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else { return nil }
        return String(decoding: output, as: UTF8.self)
    }
}
