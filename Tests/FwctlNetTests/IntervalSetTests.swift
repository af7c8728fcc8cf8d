import Testing
@testable import FwctlNet

@Suite struct IntervalSetTests {
    @Test(arguments: [
        ([1...3, 5...7], [1...3, 5...7]),
        ([1...3, 4...7], [1...7]),          // adjacent merge
        ([5...7, 1...3, 2...6], [1...7]),    // overlap, any order
        ([0...0, 255...255], [0...0, 255...255]),
        ([250...255, 0...5, 6...249], [0...255]),
    ] as [([ClosedRange<UInt8>], [ClosedRange<UInt8>])])
    func normalises(input: [ClosedRange<UInt8>], expected: [ClosedRange<UInt8>]) {
        #expect(IntervalSet(input).intervals == expected)
    }

    /// The one-pass union agrees with inserting one by one, on random ranges up to the
    /// type's maximum (where `upper + 1` would overflow).
    @Test func mergingAgreesWithInserting() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let ranges: [ClosedRange<UInt8>] = (0..<Int.random(in: 0...12, using: &rng)).map { _ in
                let a = UInt8.random(in: 0...255, using: &rng), b = UInt8.random(in: 0...255, using: &rng)
                return min(a, b)...max(a, b)
            }
            var inserted = IntervalSet<UInt8>()
            for r in ranges { inserted.insert(r) }
            #expect(IntervalSet(ranges) == inserted, "\(ranges)")
        }
    }

    @Test func setOperations() {
        let a = IntervalSet<UInt8>([10...20, 30...40])
        let b = IntervalSet<UInt8>([15...35])
        #expect(a.intersection(b).intervals == [15...20, 30...35])
        #expect(a.subtracting(b).intervals == [10...14, 36...40])
        #expect(a.union(b).intervals == [10...40])
        #expect(a.complement.intervals == [0...9, 21...29, 41...255])
        #expect(IntervalSet<UInt8>.full.complement.isEmpty)
        #expect(a.contains(10) && a.contains(40) && !a.contains(25) && !a.contains(41) && !a.contains(9))
        #expect(IntervalSet<UInt8>([0...255]).isFull)
        #expect(a.isSuperset(of: IntervalSet([12...18])) && !a.isSuperset(of: b))
    }
}

@Suite struct AddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("::", "::"),
        ("2001:db8:0:2::21", "2001:db8:0:2::21"),
        ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
    ])
    func roundTrips(text: String, printed: String) throws {
        let a = try #require(IPAddress(text))
        #expect(a.description == printed)
        #expect(IPAddress(family: a.family, bytes: a.bytes) == a)
    }

    @Test(arguments: ["1.2.3", "256.1.1.1", "1.2.3.4.5", "::g", "1::2::3", "", "01.2.3.4x"])
    func rejects(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func prefixes() throws {
        let r = try #require(AddressRange(prefix: IPAddress("10.1.2.3")!, length: 24))
        #expect(r.description == "10.1.2.0/24")
        #expect(AddressRange(prefix: IPAddress("10.0.0.0")!, length: 33) == nil)
        #expect(AddressRange(prefix: IPAddress("::")!, length: 0)?.description == "::/0")
        #expect(AddressRange(lower: IPAddress("10.1.0.1")!, upper: IPAddress("10.1.0.9")!).description == "10.1.0.1-10.1.0.9")
        #expect(AddressRange(IPAddress("2001:db8::1")!).description == "2001:db8::1")
        #expect(IPAddress("::ffff:1.2.3.4")!.isIPv4Mapped)
    }
}
