import CNftnl
#if canImport(Glibc)
import Glibc
#endif

/// Runs a closure with the calling thread inside another network namespace, then returns.
///
/// setns(2) changes only the calling thread, and a socket stays in the namespace it was
/// opened in: so switch, do the work synchronously (no `await` can hop threads here), and
/// switch back. Failing to switch back would leave this thread in the wrong namespace for
/// whatever runs on it next, so that is a fatal error rather than a thrown one.
enum NetworkNamespace {
    static func run<T>(in path: String?, _ body: () throws -> T) throws -> T {
        guard let path else { return try body() }
        let target = open(path, O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw NetlinkError(errno: errno, operation: "open network namespace", object: path) }
        defer { close(target) }
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw NetlinkError(errno: errno, operation: "open current network namespace") }
        defer { close(original) }
        guard fwctl_setns_net(target) == 0 else { throw NetlinkError(errno: errno, operation: "setns", object: path) }
        defer {
            if fwctl_setns_net(original) != 0 {
                fatalError("fwctl: cannot return to the original network namespace (errno \(errno))")
            }
        }
        return try body()
    }

    /// Interface index of `name` in the namespace (`iif "lo"` compares indexes).
    static func interfaceIndex(_ name: String, in path: String?) -> UInt32? {
        let i = try? run(in: path) { if_nametoindex(name) }
        return i.flatMap { $0 == 0 ? nil : $0 }
    }

    /// Interface name of `index` in the namespace, for decoding `meta iif`.
    static func interfaceName(_ index: UInt32, in path: String?) -> String? {
        let name: String?? = try? run(in: path) {
            var buf = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
            guard if_indextoname(index, &buf) != nil else { return nil }
            return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return name ?? nil
    }
}
