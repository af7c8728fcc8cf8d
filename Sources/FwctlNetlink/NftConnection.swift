import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

/// A connection to nf_tables in one network namespace: reads the generation id and tables,
/// and commits `Transaction`s as single atomic batches.
///
/// Not thread-safe: one connection is used from one task at a time.
public final class NftConnection {
    let socket: NetlinkSocket
    /// The namespace the socket lives in (nil: the caller's); also where interface names resolve.
    let netnsPath: String?
    private var seq: UInt32

    /// Opens a NETLINK_NETFILTER socket; if `netnsPath` (e.g. "/run/netns/NAME") is given, the
    /// socket is opened inside that namespace (setns on this thread, socket, setns back — synchronously).
    public init(netnsPath: String? = nil) throws {
        self.netnsPath = netnsPath
        socket = try NetlinkSocket(netnsPath: netnsPath)
        // Distinct sequence numbers across connections make stray replies easy to ignore.
        seq = UInt32(truncatingIfNeeded: time(nil)) &* 16
    }

    func takeSeq(_ count: UInt32 = 1) -> UInt32 {
        defer { seq &+= count }
        return seq
    }

    /// The ruleset's generation id (NFT_MSG_GETGEN); it changes with every committed batch.
    public func generation() throws -> UInt32 {
        let reply = try request(NftMsg.getGen, family: nil, flags: NftMsg.ack, object: nil, operation: "read generation id")
        guard let m = reply.messages.first else { throw NetlinkError(errno: ENODATA, operation: "read generation id") }
        return try TableDecoder.generation(m)
    }

    /// Identifies the network namespace the connection talks to, for callers that remember
    /// what they left in it: the namespace cookie (nil before Linux 5.14) and the device and
    /// inode of the namespace file (which the kernel may reuse after the namespace is gone).
    public func namespaceIdentity() -> (cookie: UInt64?, device: UInt64, inode: UInt64)? {
        var st = stat()
        guard stat(netnsPath ?? "/proc/thread-self/ns/net", &st) == 0 else { return nil }
        return (socket.networkNamespaceCookie(), UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// Sends one request and collects its reply messages: up to NLMSG_DONE for a dump, up
    /// to the ACK otherwise. A kernel error becomes a `NetlinkError` naming `operation`.
    func request(_ type: UInt16, family: TableFamily?, flags: UInt16, object: NftnlObject?, elements: Bool = false,
                 operation: String) throws -> (messages: [NetlinkMessage], interrupted: Bool) {
        let builder = MessageBuilder(firstSeq: takeSeq())
        let m = builder.message(type, family: family, flags: flags, object: object, elements: elements,
                                operation: operation, describing: nil)
        try socket.send(m.bytes, operation: operation)
        var out: [NetlinkMessage] = []
        var interrupted = false
        while true {
            guard let batch = try socket.receive(blocking: true, operation: operation) else { continue }
            for r in batch where r.seq == m.seq {
                if r.flags & NetlinkMessage.dumpInterrupted != 0 { interrupted = true }
                if r.type == NetlinkMessage.done { return (out, interrupted) }
                if let e = r.errorInfo {
                    if e.errno == 0 { return (out, interrupted) }
                    throw NetlinkError(errno: e.errno, operation: operation, extAckOffset: e.offset, message: e.message)
                }
                out.append(r)
            }
        }
    }

    /// Lists every base chain of the namespace, all tables and families (read-only), for
    /// "other tables' base chains on the same hooks" warnings.
    public func listBaseChains() throws -> [(family: TableFamily, table: String, chain: String, hook: Hook, priority: Int32, policy: ChainPolicy)] {
        let reply = try request(NftMsg.getChain, family: nil, flags: NftMsg.dump, object: nil, operation: "list chains")
        return try reply.messages.compactMap(TableDecoder.baseChain)
    }
}
