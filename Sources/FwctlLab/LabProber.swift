import Foundation
import FwctlNet
import FwctlSystem

/// One probe: a TCP connect or a UDP echo from one end to another over one family.
public struct LabProbe: Hashable, Sendable {
    public var source: String
    public var destination: String
    public var from: IPAddress
    public var to: IPAddress
    public var port: LabPlan.Port
    /// The destination host publishes the port for its container (DNAT, then forward).
    public var published = false
}

/// Sends probes in parallel batches: every socket of a batch is started at once and the whole
/// batch waits at most `timeout`, so a lab costs (probes / batch) × timeout, not probes × timeout.
enum LabProber {
    static let batch = 512

    /// Whether each probe got through (TCP connected; UDP echoed). A UDP probe that got no
    /// echo is sent once more: a datagram or its echo can be lost or late on a busy machine
    /// (TCP retransmits by itself; UDP has nobody to), and a filtered port stays silent twice.
    static func run(_ probes: [LabProbe], network: LabNetwork, timeoutMs: Int32) throws -> [Bool] {
        var result = try batches(probes, network: network, timeoutMs: timeoutMs)
        let silent = probes.indices.filter { !result[$0] && probes[$0].port.proto == .udp }
        for (i, open) in zip(silent, try batches(silent.map { probes[$0] }, network: network, timeoutMs: timeoutMs)) where open {
            result[i] = true
        }
        return result
    }

    private static func batches(_ probes: [LabProbe], network: LabNetwork, timeoutMs: Int32) throws -> [Bool] {
        var result: [Bool] = []
        var start = 0
        while start < probes.count {
            let slice = Array(probes[start..<min(start + batch, probes.count)])
            result += try runBatch(slice, network: network, timeoutMs: timeoutMs)
            start += batch
        }
        return result
    }

    private static func runBatch(_ probes: [LabProbe], network: LabNetwork, timeoutMs: Int32) throws -> [Bool] {
        var fds = [Int32](repeating: -1, count: probes.count)
        defer { for fd in fds where fd >= 0 { close(fd) } }
        // Sockets are created per source namespace, one setns round trip per source.
        let bySource = Dictionary(grouping: probes.indices, by: { probes[$0].source })
        for (source, indices) in bySource {
            guard let path = network.path(of: source) else { continue }
            try LabSocket.inNamespace(path) {
                for i in indices {
                    let probe = probes[i]
                    let fd = LabSocket.make(probe.to.family, probe.port.proto)
                    guard fd >= 0 else { throw LabError("socket: errno \(errno)") }
                    fds[i] = fd
                    _ = LabSocket.withAddress(probe.to, probe.port.port) { connect(fd, $0, $1) }
                    if probe.port.proto == .udp { _ = send(fd, "fwctl-lab", 9, 0) }
                }
            }
        }
        var open = [Bool](repeating: false, count: probes.count)
        var pending = Set(probes.indices)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeoutMs) * 1_000_000
        while !pending.isEmpty {
            let now = DispatchTime.now().uptimeNanoseconds
            guard now < deadline else { break }
            let order = Array(pending)
            var polls = order.map { i in
                pollfd(fd: fds[i], events: Int16(probes[i].port.proto == .tcp ? POLLOUT : POLLIN), revents: 0)
            }
            let n = Syscall.retryingEINTR { poll(&polls, nfds_t(polls.count), Int32((deadline - now) / 1_000_000) + 1) }
            if n < 0 { throw LabError("poll: errno \(errno)") }
            for (k, i) in order.enumerated() where polls[k].revents != 0 {
                pending.remove(i)
                open[i] = finished(fds[i], probes[i].port.proto)
            }
        }
        return open
    }

    /// TCP: connected without error. UDP: an echo came back (a refusal reads as an error).
    private static func finished(_ fd: Int32, _ proto: PortProtocol) -> Bool {
        if proto == .tcp {
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            return getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0
        }
        var buffer = [UInt8](repeating: 0, count: 64)
        return recv(fd, &buffer, buffer.count, 0) > 0
    }
}
