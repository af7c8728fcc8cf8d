import FwctlNet
import FwctlRuleset
import FwctlVerifier

/// Refuses a ruleset that would stop new SSH connections from the operator's own address.
///
/// Over SSH, `SSH_CONNECTION` holds `client-ip client-port server-ip server-port`. The desired
/// input chain is evaluated for a NEW TCP packet from the client to the server's address and
/// port, exactly as the verifier evaluates chains. The established session itself survives
/// (conntrack), but the next login would not, which is how operators lock themselves out.
public enum LockoutGuard {
    /// The operator's SSH connection, parsed from `SSH_CONNECTION`.
    public struct Connection: Hashable, Sendable, CustomStringConvertible {
        public var client: IPAddress
        public var server: IPAddress
        public var port: UInt16

        public init?(environment value: String?) {
            guard let parts = value?.split(separator: " "), parts.count == 4,
                  let client = IPAddress(Self.unmapped(parts[0])), let server = IPAddress(Self.unmapped(parts[2])),
                  client.family == server.family, let port = UInt16(parts[3]) else { return nil }
            self.client = client
            self.server = server
            self.port = port
        }

        /// sshd reports IPv4 clients of a dual-stack socket as `::ffff:a.b.c.d`; the packet
        /// the firewall sees is IPv4.
        static func unmapped(_ s: Substring) -> Substring {
            s.hasPrefix("::ffff:") && s.contains(".") ? s.dropFirst(7) : s
        }

        public var description: String { "\(client) -> \(server) port \(port)" }
    }

    /// Why the ruleset would lock the operator out, or nil when new SSH connections pass.
    public static func check(_ table: Table, connection: Connection) -> String? {
        guard let input = table.chains.first(where: { $0.hook?.hook == .input }) else { return nil }
        let packet = Packet(family: connection.client.family, source: connection.client, destination: connection.server,
                            proto: PortProtocol.tcp.number, port: connection.port)
        let verdict = NaiveEvaluator.verdict(for: packet, chain: input, in: table, peerField: .saddr)
        guard !verdict.verdict.admits else { return nil }
        let by = verdict.rule.map { i in
            "rule \(i + 1) of chain \(input.name)" + (input.rules[i].comment.map { " (\($0))" } ?? "")
        } ?? "the policy of chain \(input.name)"
        return "this ruleset would drop new SSH connections from your address (\(connection)): dropped by \(by)"
    }
}
