import Foundation
import FwctlNet

/// Sockets made inside another network namespace: the calling thread enters the namespace
/// (setns), creates the socket, and returns at once. A socket stays in the namespace it was
/// created in, so no helper process is needed.
enum LabSocket {
    // Glibc's Swift module is built without _GNU_SOURCE, so setns and CLONE_NEWNET are not
    // visible; both are stable parts of the Linux ABI.
    @_silgen_name("setns") private static func setns(_ fd: Int32, _ nstype: Int32) -> Int32
    private static let CLONE_NEWNET: Int32 = 0x4000_0000

    /// Runs `body` with the calling thread inside the namespace at `path`.
    static func inNamespace<T>(_ path: String, _ body: () throws -> T) throws -> T {
        let home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard home >= 0 else { throw LabError("cannot open own namespace: errno \(errno)") }
        defer { close(home) }
        let target = open(path, O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw LabError("cannot open \(path): errno \(errno)") }
        defer { close(target) }
        guard setns(target, CLONE_NEWNET) == 0 else { throw LabError("setns \(path): errno \(errno)") }
        defer { _ = setns(home, CLONE_NEWNET) }
        return try body()
    }

    /// A non-blocking socket of `family` and `proto` (tcp or udp).
    static func make(_ family: IPFamily, _ proto: PortProtocol) -> Int32 {
        let fd = socket(family == .v4 ? AF_INET : AF_INET6,
                        Int32(proto == .tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd >= 0 && family == .v6 {
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        if fd >= 0 {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        return fd
    }

    /// Calls `body` with a sockaddr for `address` and `port`.
    static func withAddress<T>(_ address: IPAddress, _ port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        switch address {
        case let .v4(value):
            var sa = sockaddr_in()
            sa.sin_family = sa_family_t(AF_INET)
            sa.sin_port = port.bigEndian
            sa.sin_addr.s_addr = value.bigEndian
            return withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        case .v6:
            var sa = sockaddr_in6()
            sa.sin6_family = sa_family_t(AF_INET6)
            sa.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &sa.sin6_addr) { raw in
                for (i, b) in address.bytes.enumerated() { raw[i] = b }
            }
            return withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        }
    }
}
