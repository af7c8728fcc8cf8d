import Testing
import FwctlPolicy
@testable import FwctlCompiler

/// The fast path never derives a table for a policy `check` rejects: an inserted host that
/// shares an address with another host (exactly, or by prefix or range overlap), two
/// inserted hosts sharing one, or a name over the limit.
@Suite struct TablePatchSoundnessTests {
    static let text = """
        role web {
          host w1 = 192.0.2.1, 2001:db8::1
          host w2 = 192.0.2.8-192.0.2.15
        }
        network internet = 0.0.0.0/0
        allow internet -> web : tcp/443

        """

    static func derive(_ inserted: String) throws -> Bool {
        let base = try #require(TablePatchTests.compile(text, host: "w1"))
        let new = TablePatchTests.inserting(inserted, at: 4, into: text)
        return TablePatchTests.derive(text, new, base) != nil
    }

    @Test func aNewAddressIsDerived() throws {
        #expect(try Self.derive("  host w3 = 192.0.2.20"))
        // Inside a network (not a host) is fine: networks may hold hosts.
        #expect(try Self.derive("  host w3 = 192.0.2.16, 2001:db8::2"))
    }

    @Test(arguments: [
        "  host w3 = 192.0.2.1",
        "  host w3 = 2001:db8::1",
        "  host w3 = 192.0.2.12",
        "  host w3 = 192.0.2.0/29",
        "  host w3 = 192.0.2.15-192.0.2.20",
        "  host w3 = 192.0.2.30\n  host w4 = 192.0.2.30",
        "  host " + String(repeating: "h", count: 121) + " = 192.0.2.40",
    ])
    func checkWouldRejectSoNothingIsDerived(_ inserted: String) throws {
        let new = TablePatchTests.inserting(inserted, at: 4, into: Self.text)
        #expect(TablePatchTests.compile(new, host: "w1") == nil, "check must reject it")
        #expect(try !Self.derive(inserted))
    }
}
