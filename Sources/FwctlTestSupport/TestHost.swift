import Foundation

/// One host for a kernel test: a fresh network namespace and a state directory of its own,
/// both removed when the host goes away (also when the test fails).
///
/// Suites subclass it to add what they run on the host (the `fwctl` binary, an `ApplySession`,
/// a `NetlinkBackend`); the netns path is what those take.
open class TestHost: @unchecked Sendable {
    public let ns: TestNamespace
    /// The host's state directory (`--state-dir`); not created here.
    public let state: String
    /// `/run/netns/NAME`, for the code that enters the namespace itself.
    public var netnsPath: String { "/run/netns/\(ns.name)" }

    public init(prefix: String) throws {
        ns = try TestNamespace(prefix: prefix)
        state = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-state-\(ns.name)").path
    }

    deinit {
        ns.remove()
        try? FileManager.default.removeItem(atPath: state)
    }
}
