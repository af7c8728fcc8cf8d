import FwctlEvaluator
import FwctlNet
import FwctlRuleset

/// Refuses a ruleset that would stop new SSH connections from the operator's own address.
///
/// Over SSH, `SSH_CONNECTION` holds `client-ip client-port server-ip server-port` (see
/// `SSHSession`). The desired input chain is evaluated for a NEW TCP packet from the client to
/// the server's address and port, exactly as the verifier evaluates chains. The established
/// session itself survives (conntrack), but the next login would not, which is how operators
/// lock themselves out.
public enum LockoutGuard {
    /// How long an apply over SSH stays provisional unless `--confirm` says otherwise.
    public static let sshConfirmSeconds = 15.0

    /// The operator's SSH connection, parsed from `SSH_CONNECTION` (see `parse`).
    public struct Connection: Hashable, Sendable, CustomStringConvertible {
        public var client: IPAddress
        public var server: IPAddress
        public var port: UInt16

        public init(client: IPAddress, server: IPAddress, port: UInt16) {
            self.client = client
            self.server = server
            self.port = port
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
