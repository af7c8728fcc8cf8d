import Foundation

/// Links, addresses and TCP probes between test namespaces: what the kernel tests that send
/// real traffic through a loaded table share.
extension TestNamespace {
    /// `ip ARGS` (give `-n NAME` to act in a namespace); throws `CommandFailure` when it fails.
    public static func ip(_ args: [String]) throws {
        try check(["ip"] + args)
    }

    /// A dual-stack TCP listener on `port` in this namespace that answers `ok` to each
    /// connection and closes it, for at most `seconds`. Returns once the port listens.
    public func listenTCP(port: Int, seconds: Int = 60) throws -> TCPListener {
        let code = """
            import socket, time
            s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            s.bind(("::", \(port))); s.listen(16); s.settimeout(1)
            end = time.time() + \(seconds)
            while time.time() < end:
                try:
                    c = s.accept()[0]; c.sendall(b"ok"); c.close()
                except OSError: pass
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ip")
        p.arguments = ["netns", "exec", name, "/usr/bin/python3", "-c", code]
        try p.run()
        let listener = TCPListener(process: p)
        for _ in 0..<50 {
            if try run(["ss", "-Hltn", "sport = :\(port)"]).stdout.contains(":\(port)") { return listener }
            usleep(100_000)
        }
        listener.stop()
        throw CommandFailure(argv: ["listen", "tcp", String(port)], status: -1, stderr: "the listener in \(name) did not start")
    }

    /// Whether a TCP connection from this namespace to a `listenTCP` listener completes and
    /// its `ok` comes back, within 2 s.
    public func connectsTCP(to address: String, port: Int) throws -> Bool {
        let code = "import socket, sys\ns = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)\nsys.exit(0 if s.recv(2) == b'ok' else 1)"
        return try run(["timeout", "-s", "KILL", "4", "python3", "-c", code, address, String(port)]).status == 0
    }
}

/// A listener started by `TestNamespace.listenTCP`; killed by `stop()` or at the latest by `deinit`.
public final class TCPListener: @unchecked Sendable {
    private let process: Process

    init(process: Process) { self.process = process }

    deinit { stop() }

    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
