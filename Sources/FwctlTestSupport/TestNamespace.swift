import Foundation

/// A throwaway network namespace for kernel tests, so nothing a test does with nft or
/// netlink can touch the host's own firewall.
///
/// Each instance has a unique name (`<prefix>-<pid>-<random>-<n>`), comes up with `lo`
/// up, and is deleted by `remove()` or at the latest by `deinit`. Use `defer { ns.remove() }`
/// right after creating one.
public final class TestNamespace: @unchecked Sendable {
    /// Whether kernel tests can run at all: they need CAP_NET_ADMIN, so root as the effective
    /// user, the same check fwctl makes (`KernelOptions.requireRoot`).
    public static var isRoot: Bool { geteuid() == 0 }

    /// The namespace's name, as `ip netns` knows it.
    public let name: String

    private let lock = NSLock()
    private var removed = false
    nonisolated(unsafe) private static var counter = 0
    private static let counterLock = NSLock()

    /// Creates the namespace and brings its loopback up.
    public init(prefix: String = "fwctl-test") throws {
        let n = Self.counterLock.withLock { Self.counter += 1; return Self.counter }
        name = "\(prefix)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(n)"
        try Self.check(["ip", "netns", "add", name])
        do {
            try Self.check(["ip", "-n", name, "link", "set", "lo", "up"])
        } catch {
            remove()
            throw error
        }
    }

    deinit { remove() }

    /// Runs `argv` inside the namespace (`ip netns exec NAME argv...`).
    public func run(_ argv: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProcess(["ip", "netns", "exec", name] + argv, stdin: stdin)
    }

    /// Runs `nft args...` inside the namespace; returns stdout, throws `CommandFailure` with
    /// nft's stderr when it fails. Pass `["-f", "-"]` with `stdin` to load a ruleset.
    @discardableResult
    public func nft(_ args: [String], stdin: String? = nil) throws -> String {
        let r = try run(["nft"] + args, stdin: stdin)
        guard r.status == 0 else { throw CommandFailure(argv: ["nft"] + args, status: r.status, stderr: r.stderr) }
        return r.stdout
    }

    /// Deletes the namespace. Safe to call more than once.
    public func remove() {
        let first = lock.withLock { () -> Bool in
            defer { removed = true }
            return !removed
        }
        guard first else { return }
        _ = try? runProcess(["ip", "netns", "delete", name], stdin: nil)
    }

    static func check(_ argv: [String]) throws {
        let (status, _, err) = try runProcess(argv, stdin: nil)
        guard status == 0 else { throw CommandFailure(argv: argv, status: status, stderr: err) }
    }
}
