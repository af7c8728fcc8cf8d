import Foundation
import Testing
@testable import FwctlApply
import FwctlNet
import FwctlRuleset

/// `SSH_CONNECTION` in every form sshd writes, and what the lock-out guard decides from it;
/// anything set but unreadable makes the guard assume the worst, never nothing.
@Suite struct SSHSessionTests {
    static func connection(_ client: String, _ server: String, _ port: UInt16) -> SSHSession {
        .connection(LockoutGuard.Connection(client: IPAddress(client)!, server: IPAddress(server)!, port: port))
    }

    @Test(arguments: [
        ("192.0.2.7 50522 192.0.2.21 22", connection("192.0.2.7", "192.0.2.21", 22)),
        ("2001:db8::7 50522 2001:db8::21 2222", connection("2001:db8::7", "2001:db8::21", 2222)),
        ("::ffff:192.0.2.7 50522 ::ffff:192.0.2.21 22", connection("192.0.2.7", "192.0.2.21", 22)),
        ("::FFFF:192.0.2.7 50522 ::ffff:c000:215 22", connection("192.0.2.7", "192.0.2.21", 22)),
        ("fe80::1%eth0 50000 fe80::2%eth0 22", connection("fe80::1", "fe80::2", 22)),
        ("fe80::1%2 50000 fe80::2%2 22", connection("fe80::1", "fe80::2", 22)),
        ("fe80::1%eth0 50000 2001:db8::21 22", connection("fe80::1", "2001:db8::21", 22)),
        ("  192.0.2.7\t50522   192.0.2.21 22\n", connection("192.0.2.7", "192.0.2.21", 22)),
    ])
    func readsEveryFormSshdWrites(value: String, expected: SSHSession) {
        #expect(SSHSession(environment: ["SSH_CONNECTION": value]) == expected)
    }

    @Test(arguments: ["", "garbage", "192.0.2.7 50522 22", "192.0.2.7 50522 192.0.2.21 22 extra", "192.0.2.7 x 192.0.2.21 22",
                      "192.0.2.7 50522 192.0.2.21 0", "192.0.2.7 50522 192.0.2.21 65536", "192.0.2.7 50522 192.0.2.21 +22",
                      "192.0.2.7 50522 2001:db8::21 22", "192.0.2.7% 50522 192.0.2.21 22", "fe80::1% 50000 fe80::2 22",
                      "300.0.2.7 50522 192.0.2.21 22"])
    func setButUnreadableIsNeverTakenForLocal(value: String) {
        guard case .unreadable(let why) = SSHSession(environment: ["SSH_CONNECTION": value]) else {
            Issue.record("'\(value)' was read as \(SSHSession(environment: ["SSH_CONNECTION": value]))")
            return
        }
        #expect(why.hasPrefix("SSH_CONNECTION is set but cannot be read"), "\(why)")
    }

    @Test func sshClientAloneIsStillSSH() {
        #expect(SSHSession(environment: [:]) == .local)
        guard case .unreadable = SSHSession(environment: ["SSH_CLIENT": "192.0.2.7 50522 22"]) else {
            Issue.record("SSH_CLIENT without SSH_CONNECTION was taken for a local session")
            return
        }
    }

    /// Input drops everything but SSH from 198.51.100.0/28.
    static let table = Table(name: "fwctl", chains: [
        Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop), rules: [
            Rule([.address(family: .v4, field: .saddr, match: .range(AddressRange(lower: IPAddress("198.51.100.0")!, upper: IPAddress("198.51.100.15")!))),
                  .port(proto: .tcp, field: .dport, match: .range(PortRange(22))), .verdict(.accept)]),
        ]),
    ])

    @Test func decisions() throws {
        let inside = Self.connection("198.51.100.5", "192.0.2.21", 22)
        let outside = SSHSession(environment: ["SSH_CONNECTION": "fe80::1%eth0 50000 fe80::2%eth0 22"])
        let unreadable = SSHSession(environment: ["SSH_CONNECTION": "garbage"])
        func decide(_ s: SSHSession, confirm: Double? = nil, noConfirm: Bool = false, force: Bool = false) throws -> LockoutGuard.Decision {
            try LockoutGuard.decide(Self.table, session: s, confirm: confirm, noConfirm: noConfirm, force: force)
        }
        #expect(try decide(.local) == .init(warnings: [], confirmSeconds: nil))
        #expect(try decide(.local, confirm: 30).confirmSeconds == 30)
        #expect(try decide(inside) == .init(warnings: [], confirmSeconds: 15))
        #expect(try decide(inside, noConfirm: true).confirmSeconds == nil)
        #expect(throws: LockoutGuard.Refusal.self) { try decide(outside) }
        #expect(try decide(outside, force: true).warnings.count == 1)
        let worst = try decide(unreadable)
        #expect(worst.confirmSeconds == 15 && worst.warnings.count == 1)
        #expect(try decide(unreadable, confirm: 60).confirmSeconds == 60)
        #expect(throws: LockoutGuard.Refusal.self) { try decide(unreadable, noConfirm: true) }
        let forced = try decide(unreadable, noConfirm: true, force: true)
        #expect(forced.confirmSeconds == nil && forced.warnings.count == 1)
    }
}
