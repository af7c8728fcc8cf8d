import Testing
import FwctlNet
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

    /// Whether the insertion is derived, asked both ways: with the fleet's host addresses
    /// from the compilation (one lookup), and without them (the files' host entries are
    /// read); the two must agree.
    static func derive(_ inserted: String) throws -> Bool {
        let base = try #require(TablePatchTests.compile(text, host: "w1"))
        #expect(base.dependencies.hostAddresses != nil)
        let new = TablePatchTests.inserting(inserted, at: 4, into: text)
        var unknown = base
        unknown.dependencies.hostAddresses = nil
        let known = TablePatchTests.derive(text, new, base) != nil
        #expect(known == (TablePatchTests.derive(text, new, unknown) != nil), "\(inserted)")
        return known
    }

    /// The derived table's dependencies name the inserted host's addresses too, so a second
    /// insertion that shares one is declined as `check` would reject it.
    @Test func theNextDerivationKnowsTheInsertedHosts() throws {
        let base = try #require(TablePatchTests.compile(Self.text, host: "w1"))
        let once = TablePatchTests.inserting("  host w3 = 192.0.2.20", at: 4, into: Self.text)
        let first = try #require(TablePatch.deriveWithDependencies(
            from: [(TablePatchTests.path, Array(Self.text.utf8))], to: [(TablePatchTests.path, Array(once.utf8))],
            table: base.table, dependencies: base.dependencies))
        #expect(first.dependencies.hostAddresses?.contains(.v4(0xC000_0214)) == true)
        let twice = TablePatchTests.inserting("  host w4 = 192.0.2.20", at: 4, into: once)
        #expect(TablePatchTests.compile(twice, host: "w1") == nil, "check must reject it")
        #expect(TablePatch.derive(from: [(TablePatchTests.path, Array(once.utf8))], to: [(TablePatchTests.path, Array(twice.utf8))],
                                  table: first.table, dependencies: first.dependencies) == nil)
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
