#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion with `posix_spawn` and collects its output, or starts one
/// detached (`spawnDetached`): fwctl's one way to start another program (git, tar, ip, the
/// rollback watchdog, and the tests' nft and ip).
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

    /// Runs `argv` (`argv[0]` looked up in PATH) and waits for it. Standard input is
    /// `/dev/null`, or the bytes `input`. `environment` adds to (or replaces in) this
    /// process's environment. Throws only when the program cannot be started; a non-zero
    /// exit is a `Result`.
    public static func run(_ argv: [String], environment: [String: String] = [:], input: [UInt8]? = nil) throws(SubprocessError) -> Result {
        precondition(!argv.isEmpty, "Subprocess.run needs a program")
        var stdin: Int32? = nil
        if let input { stdin = try inputFile(input, program: argv[0]) }
        defer { if let stdin { close(stdin) } }
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard Self.pipe(&out) == 0 else { throw SubprocessError(program: argv[0], errno: errno) }
        guard Self.pipe(&err) == 0 else {
            let e = errno
            close(out[0]); close(out[1])
            throw SubprocessError(program: argv[0], errno: e)
        }
        let spawned: pid_t
        do {
            spawned = try spawn(argv, environment: environment) { actions in
                if let stdin {
                    posix_spawn_file_actions_adddup2(&actions, stdin, 0)
                } else {
                    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
                }
                posix_spawn_file_actions_adddup2(&actions, out[1], 1)
                posix_spawn_file_actions_adddup2(&actions, err[1], 2)
            }
        } catch {
            close(out[0]); close(out[1]); close(err[0]); close(err[1])
            throw error
        }
        close(out[1]); close(err[1])
        let (stdout, stderr) = drain(out[0], err[0])
        close(out[0]); close(err[0])
        var status: Int32 = 0
        _ = Syscall.retryingEINTR { waitpid(spawned, &status, 0) }
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
            guard Syscall.retryingEINTR({ poll(&fds, nfds_t(fds.count), -1) }) >= 0 else { break }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                let got = Syscall.retryingEINTR { read(fds[i].fd, &buffer, buffer.count) }
                if got > 0 { data[i] += buffer[0..<got] } else { fds[i].fd = -1 }
            }
        }
        return (data[0], data[1])
    }
}
