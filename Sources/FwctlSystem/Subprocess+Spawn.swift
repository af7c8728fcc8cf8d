#if canImport(Glibc)
import Glibc
#endif

extension Subprocess {
    /// Starts `argv` detached from this process: in a new session (no SIGHUP when the
    /// terminal or SSH connection goes), standard streams on /dev/null, and no other
    /// descriptor of this process (an inherited pipe would keep whoever reads this process's
    /// output waiting for as long as the child lives). Not waited for: returns its pid.
    public static func spawnDetached(_ argv: [String], environment: [String: String] = [:]) throws(SubprocessError) -> pid_t {
        precondition(!argv.isEmpty, "Subprocess.spawnDetached needs a program")
        let inherited = openDescriptors().filter { $0 > 2 }
        return try spawn(argv, environment: environment, newSession: true) { actions in
            for fd: Int32 in [0, 1, 2] {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            }
            // Closing one that is already closed (the listing's own) is not an error.
            for fd in inherited { posix_spawn_file_actions_addclose(&actions, fd) }
        }
    }

    /// posix_spawnp of `argv` with the descriptors `files` sets up. The child starts with
    /// no blocked signals and default actions, whatever this process does with
    /// SIGINT/SIGTERM (the lab handles them), SIGPIPE or SIGHUP.
    static func spawn(_ argv: [String], environment: [String: String], newSession: Bool = false,
                      files: (inout posix_spawn_file_actions_t) -> Void) throws(SubprocessError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        files(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // POSIX_SPAWN_SETSID is 0x80 in glibc; Swift's Glibc module does not export it.
        let setsid: Int32 = newSession ? 0x80 : 0
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | setsid))

        var env: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { env[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        for (k, v) in environment { env[k] = v }
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }

        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, argv[0], &actions, &attributes, &cArgs, &cEnv)
        guard spawned == 0 else { throw SubprocessError(program: argv[0], errno: spawned) }
        return pid
    }

    /// `bytes` in a temporary file already unlinked, open at its start, close-on-exec: a
    /// child's standard input that it reads at its own pace, so a child that writes much
    /// before reading cannot deadlock against us, and one that never reads causes no SIGPIPE.
    static func inputFile(_ bytes: [UInt8], program: String) throws(SubprocessError) -> Int32 {
        let directory = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/fwctl-stdin-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw SubprocessError(program: program, errno: errno) }
        unlink(template)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        guard Syscall.writeAll(fd, bytes) >= 0, lseek(fd, 0, SEEK_SET) == 0 else {
            let e = errno
            close(fd)
            throw SubprocessError(program: program, errno: e)
        }
        return fd
    }

    /// This process's open descriptors (/proc/self/fd).
    static func openDescriptors() -> [Int32] {
        guard let dir = opendir("/proc/self/fd") else { return [] }
        defer { closedir(dir) }
        var fds: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = Int32(name) { fds.append(fd) }
        }
        return fds
    }
}
