import Foundation
import FwctlTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A scratch network namespace for one test body, on top of the suite-wide
/// `FwctlTestSupport.TestNamespace` (unique name, always removed, also when the body throws).
struct ScratchNamespace {
    let shared: FwctlTestSupport.TestNamespace
    var name: String { shared.name }
    var path: String { "/run/netns/\(name)" }

    static func with<T>(_ body: (ScratchNamespace) throws -> T) throws -> T {
        let ns = ScratchNamespace(shared: try FwctlTestSupport.TestNamespace(prefix: "fwctl-netlink"))
        defer { ns.shared.remove() }
        return try body(ns)
    }

    /// `ip netns exec NAME nft ARGS`, with `input` on stdin (for `nft -f -`).
    @discardableResult
    func nft(_ args: String..., input: String? = nil) throws -> String {
        try shared.nft(args, stdin: input)
    }
}

/// Counter values are kernel state: compare listings with them zeroed.
func normalisingCounters(_ text: String) -> String { normaliseCounters(text) }

/// The lines that differ between two listings, for readable failure messages.
func lineDiff(_ got: String, _ want: String) -> String {
    let g = got.split(separator: "\n", omittingEmptySubsequences: false)
    let w = want.split(separator: "\n", omittingEmptySubsequences: false)
    return (0..<max(g.count, w.count)).compactMap { i in
        let a = i < g.count ? String(g[i]) : "<none>", b = i < w.count ? String(w[i]) : "<none>"
        return a == b ? nil : "line \(i + 1): got «\(a)» want «\(b)»"
    }.joined(separator: "\n")
}
