import CNftnl
import FwctlSystem
#if canImport(Glibc)
import Glibc
#endif

/// A NETLINK_NETFILTER socket (libmnl), opened in a given network namespace, with the
/// send/receive calls fwctl needs. Every socket-level C call of the module lives here.
final class NetlinkSocket {
    private let nl: OpaquePointer
    let portID: UInt32
    private var fd: Int32 { mnl_socket_get_fd(nl) }
    private var receiveBuffer: [UInt8]

    init(netnsPath: String?) throws {
        nl = try NetworkNamespace.run(in: netnsPath) {
            guard let s = mnl_socket_open(NETLINK_NETFILTER) else {
                throw NetlinkError(errno: errno, operation: "open netlink socket")
            }
            return s
        }
        guard mnl_socket_bind(nl, 0, pid_t(MNL_SOCKET_AUTOPID)) >= 0 else {
            let e = errno
            mnl_socket_close(nl)
            throw NetlinkError(errno: e, operation: "bind netlink socket")
        }
        portID = mnl_socket_get_portid(nl)
        // Large enough for a full dump skb; the kernel sizes dump messages to the reader.
        receiveBuffer = [UInt8](repeating: 0, count: max(fwctl_mnl_socket_buffer_size(), 1 << 18))
        // Extended acks tell which attribute of a failing message was wrong; capped acks keep
        // error replies small when a big batch fails.
        setOption(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        setOption(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        // Replies are drained until EAGAIN after a batch; blocking reads wait in poll.
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    deinit { mnl_socket_close(nl) }

    @discardableResult
    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32) -> Bool {
        var v = value
        return setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) == 0
    }

    /// The kernel's cookie of the socket's network namespace (SO_NETNS_COOKIE, Linux 5.14+):
    /// unlike the namespace's inode number it is never reused while the machine runs.
    func networkNamespaceCookie() -> UInt64? {
        var cookie: UInt64 = 0
        var length = socklen_t(MemoryLayout<UInt64>.size)
        // SO_NETNS_COOKIE is 71 on every Linux architecture fwctl builds for.
        guard getsockopt(fd, SOL_SOCKET, 71, &cookie, &length) == 0, length == MemoryLayout<UInt64>.size else { return nil }
        return cookie
    }

    /// Raises the socket buffers for a batch of `bytes` (SO_*BUFFORCE as root, plain
    /// SO_*BUF otherwise): the kernel refuses a datagram larger than the send buffer.
    func reserve(bytes: Int) {
        let size = Int32(clamping: max(bytes * 2, 1 << 20))
        if !setOption(SOL_SOCKET, SO_SNDBUFFORCE, size) { setOption(SOL_SOCKET, SO_SNDBUF, size) }
        if !setOption(SOL_SOCKET, SO_RCVBUFFORCE, size) { setOption(SOL_SOCKET, SO_RCVBUF, size) }
    }

    /// Sends one datagram (a request or a whole batch) to the kernel (`mnl_socket_sendto`).
    func send(_ bytes: [UInt8], operation: String) throws {
        let sent = bytes.withUnsafeBytes { raw in Syscall.retryingEINTR { mnl_socket_sendto(nl, raw.baseAddress, raw.count) } }
        guard sent == bytes.count else { throw NetlinkError(errno: sent < 0 ? errno : EMSGSIZE, operation: operation) }
    }

    /// Receives one datagram (`mnl_socket_recvfrom`); nil when `blocking` is false and
    /// nothing is queued. The socket is non-blocking, so a blocking receive first waits in
    /// poll. A datagram larger than the buffer fails with ENOSPC rather than arriving cut.
    func receive(blocking: Bool, operation: String) throws -> [NetlinkMessage]? {
        while true {
            if blocking {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard Syscall.retryingEINTR({ Int(poll(&p, 1, -1)) }) >= 0 else { throw NetlinkError(errno: errno, operation: operation) }
            }
            let n = receiveBuffer.withUnsafeMutableBytes { buf in
                Syscall.retryingEINTR { mnl_socket_recvfrom(nl, buf.baseAddress, buf.count) }
            }
            if n < 0 {
                guard errno == EAGAIN || errno == EWOULDBLOCK else { throw NetlinkError(errno: errno, operation: operation) }
                if blocking { continue }
                return nil
            }
            return receiveBuffer.withUnsafeBytes { NetlinkMessage.split(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }
}
