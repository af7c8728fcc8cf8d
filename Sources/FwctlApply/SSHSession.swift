import Foundation
import FwctlNet

/// Whether fwctl runs over SSH, and from where, as the environment tells.
///
/// sshd sets `SSH_CONNECTION` to `client-ip client-port server-ip server-port`. A variable
/// that is set but cannot be read still means "over SSH": the lock-out guard then cannot
/// check and assumes the worst (see `LockoutGuard.decide`), never that nobody is connected.
public enum SSHSession: Hashable, Sendable {
    /// Not over SSH: neither `SSH_CONNECTION` nor `SSH_CLIENT` is set.
    case local
    case connection(LockoutGuard.Connection)
    /// Over SSH, but where from is unknown; the text says why.
    case unreadable(String)

    /// As this process's environment tells.
    public static var current: SSHSession { SSHSession(environment: ProcessInfo.processInfo.environment) }

    public init(environment: [String: String]) {
        guard let value = environment["SSH_CONNECTION"] else {
            // SSH_CLIENT (`client-ip client-port server-port`) has no server address to check.
            self = environment["SSH_CLIENT"] == nil ? .local : .unreadable("SSH_CLIENT is set but SSH_CONNECTION is not")
            return
        }
        switch LockoutGuard.Connection.parse(value) {
        case .success(let c): self = .connection(c)
        case .failure(let why): self = .unreadable("SSH_CONNECTION is set but cannot be read (\(why))")
        }
    }
}

extension LockoutGuard.Connection {
    /// Why an `SSH_CONNECTION` value was not understood.
    public struct Unreadable: Error, Hashable, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Parses every form sshd writes: IPv4, IPv6, IPv4-mapped IPv6 (`::ffff:a.b.c.d`, the
    /// packet is IPv4) and zone ids (`fe80::1%eth0`: the zone names the interface, not part of
    /// the address; a link-local client's packets arrive like any other's). Fields may be
    /// separated by any run of blanks.
    public static func parse(_ value: String) -> Result<Self, Unreadable> {
        let fields = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        let shown = "'\(value.prefix(80))'"
        guard fields.count == 4 else {
            return .failure(Unreadable(description: "\(shown) has \(fields.count) fields, not the 4 of 'client-ip client-port server-ip server-port'"))
        }
        guard let client = address(fields[0]) else { return .failure(Unreadable(description: "\(shown): '\(fields[0])' is not an IP address")) }
        guard let server = address(fields[2]) else { return .failure(Unreadable(description: "\(shown): '\(fields[2])' is not an IP address")) }
        guard port(fields[1]) != nil, let serverPort = port(fields[3]) else {
            return .failure(Unreadable(description: "\(shown): the ports must be numbers from 1 to 65535"))
        }
        guard client.family == server.family else {
            return .failure(Unreadable(description: "\(shown): the client is \(client.family == .v4 ? "IPv4" : "IPv6") but the server is not"))
        }
        return .success(Self(client: client, server: server, port: serverPort))
    }

    /// An address without its zone id; an IPv4-mapped IPv6 address as the IPv4 one.
    static func address(_ field: Substring) -> IPAddress? {
        var text = field
        if let percent = text.firstIndex(of: "%") {
            guard text.contains(":"), text.index(after: percent) < text.endIndex else { return nil }
            text = text[..<percent]
        }
        guard let a = IPAddress(text) else { return nil }
        if case .v6(let v) = a, v >> 32 == 0xffff { return .v4(UInt32(truncatingIfNeeded: v)) }
        return a
    }

    static func port(_ field: Substring) -> UInt16? {
        guard field.allSatisfy({ $0.isASCII && $0.isNumber }), let p = UInt16(field), p > 0 else { return nil }
        return p
    }
}
