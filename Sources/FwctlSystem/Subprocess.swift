#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion with `posix_spawn` and collects its output: fwctl's one way
/// to start another program (git, tar, ip).
///
/// Not Foundation's `Process`: it sets up a run-loop wakeup socket over loopback, and in a
/// network namespace whose `lo` is down that fails (`Could not create wakeup socket pair for
/// CFSocket`) and the wait never returns. Nothing here needs a network, a run loop or
/// another thread: two pipes read with `poll`, then `waitpid`, so every child is reaped.
public enum Subprocess {
    /// How a program ended and what it wrote.
    public struct Result: Sendable {
        /// The exit status; 128 + the signal's number when a signal ended it (as a shell says).
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]

        public var succeeded: Bool { status == 0 }
        public var output: String { String(decoding: stdout, as: UTF8.self) }
        /// Standard error without its trailing line break, for messages.
        public var errorText: String {
            var s = String(decoding: stderr, as: UTF8.self)
            while let last = s.last, last.isWhitespace { s.removeLast() }
            return s
        }
    }

    /// Runs `argv` (`argv[0]` looked up in PATH). Standard input is `/dev/null`, or the file
    /// `stdinPath`. `environment` adds to (or replaces in) this process's environment.
    /// Throws only when the program cannot be started; a non-zero exit is a `Result`.
    public static func run(_ argv: [String], environment: [String: String] = [:], stdinPath: String? = nil) throws(SubprocessError) -> Result {
        precondition(!argv.isEmpty, "Subprocess.run needs a program")
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard Self.pipe(&out) == 0 else { throw SubprocessError(program: argv[0], errno: errno) }
        guard Self.pipe(&err) == 0 else {
            let e = errno
            close(out[0]); close(out[1])
            throw SubprocessError(program: argv[0], errno: e)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no blocked signals and default actions, whatever this
        // process does with SIGINT/SIGTERM (the lab handles them) or SIGPIPE.
        var empty = sigset_t(), defaults = sigset_t()
        sigemptyset(&empty)
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

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
        close(out[1]); close(err[1])
        guard spawned == 0 else {
            close(out[0]); close(err[0])
            throw SubprocessError(program: argv[0], errno: spawned)
        }
        let (stdout, stderr) = drain(out[0], err[0])
        close(out[0]); close(err[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // The wait status: low 7 bits the signal (0: exited), bits 8-15 the exit code.
        let signal = status & 0x7f
        return Result(status: signal == 0 ? (status >> 8) & 0xff : 128 + signal, stdout: stdout, stderr: stderr)
    }

    /// A pipe whose ends are close-on-exec, so they never leak into another child spawned
    /// meanwhile (Glibc's module does not export pipe2).
    public static func pipe(_ fds: inout [Int32]) -> Int32 {
        guard Glibc.pipe(&fds) == 0 else { return -1 }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return 0
    }

    /// Reads both pipes to their ends, whichever the child writes first, so neither fills up.
    private static func drain(_ a: Int32, _ b: Int32) -> ([UInt8], [UInt8]) {
        var data: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: a, events: Int16(POLLIN), revents: 0), pollfd(fd: b, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while fds.contains(where: { $0.fd >= 0 }) {
            let n = poll(&fds, nfds_t(fds.count), -1)
            if n < 0 { if errno == EINTR { continue } else { break } }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let got = read(fds[i].fd, &buffer, buffer.count)
                if got > 0 { data[i] += buffer[0..<got] } else if got == 0 || errno != EINTR { fds[i].fd = -1 }
            }
        }
        return (data[0], data[1])
    }
}

/// A program that could not be started, with the errno of the failed call.
public struct SubprocessError: Error, CustomStringConvertible, Equatable, Sendable {
    public var program: String
    public var errno: Int32

    public init(program: String, errno: Int32) {
        self.program = program
        self.errno = errno
    }

    public var description: String {
        let reason = switch errno {
        case ENOENT: "not found (ENOENT)"
        case EACCES: "permission denied (EACCES)"
        case ENOMEM: "out of memory (ENOMEM)"
        case EAGAIN: "too many processes (EAGAIN)"
        case EMFILE, ENFILE: "too many open files (EMFILE)"
        default: "errno \(errno)"
        }
        return "cannot run \(program): \(reason)"
    }
}
