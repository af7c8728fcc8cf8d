import Foundation
import FwctlNet
import FwctlSystem

/// Listeners on every probed port of every end, and on every published port of every
/// container: TCP accepts and closes, UDP echoes each datagram back. One thread serves them all with poll(2) until `stop()`.
final class LabListeners: @unchecked Sendable {
    private var tcp: [Int32] = []
    private var udp: [Int32] = []
    private var wake: [Int32] = [-1, -1]
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(plan: LabPlan, network: LabNetwork) throws {
        do {
            for end in plan.ends {
                guard let path = network.path(of: end.name) else { continue }
                try LabSocket.inNamespace(path) {
                    for address in end.addresses {
                        for port in plan.ports { try open(address, port) }
                    }
                }
            }
            for container in plan.containers {
                guard let path = network.containerPath(of: container.host) else { continue }
                try LabSocket.inNamespace(path) {
                    for address in container.addresses {
                        for port in container.ports { try open(address, port) }
                    }
                }
            }
            guard pipe(&wake) == 0 else { throw LabError("pipe: errno \(errno)") }
        } catch {
            closeAll()
            throw error
        }
        let thread = Thread { [self] in serve(); done.signal() }
        self.thread = thread
        thread.start()
    }

    private func open(_ address: IPAddress, _ port: LabPlan.Port) throws {
        let fd = LabSocket.make(address.family, port.proto)
        guard fd >= 0 else { throw LabError("socket: errno \(errno)") }
        if port.proto == .tcp { tcp.append(fd) } else { udp.append(fd) }
        let bound = LabSocket.withAddress(address, port.port) { bind(fd, $0, $1) }
        guard bound == 0 else { throw LabError("bind \(address) \(port.description): errno \(errno)") }
        if port.proto == .tcp && listen(fd, 128) != 0 { throw LabError("listen: errno \(errno)") }
    }

    private func serve() {
        var fds = [pollfd(fd: wake[0], events: Int16(POLLIN), revents: 0)]
        fds += tcp.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        fds += udp.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let udpSet = Set(udp)
        var buffer = [UInt8](repeating: 0, count: 2048)
        while true {
            guard Syscall.retryingEINTR({ poll(&fds, nfds_t(fds.count), -1) }) >= 0 else { return }
            if fds[0].revents != 0 { return }
            for i in 1..<fds.count where fds[i].revents != 0 {
                let fd = fds[i].fd
                if udpSet.contains(fd) {
                    var peer = sockaddr_storage()
                    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    let n = withUnsafeMutablePointer(to: &peer) { p in
                        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
                    }
                    if n > 0 {
                        _ = withUnsafePointer(to: &peer) { p in
                            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, buffer, n, 0, $0, length) }
                        }
                    }
                } else {
                    let client = accept(fd, nil, nil)
                    if client >= 0 { close(client) }
                }
            }
        }
    }

    /// Stops the thread and closes every socket.
    func stop() {
        if thread != nil {
            var byte: UInt8 = 1
            _ = write(wake[1], &byte, 1)
            done.wait()
            thread = nil
        }
        closeAll()
    }

    private func closeAll() {
        for fd in tcp + udp + wake where fd >= 0 { close(fd) }
        tcp = []; udp = []; wake = [-1, -1]
    }
}
