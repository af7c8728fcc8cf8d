import FwctlNet
import Testing

@Suite struct CountedTests {
    @Test(arguments: [
        (0, "packet", nil, "0 packets"), (1, "packet", nil, "1 packet"), (2, "packet", nil, "2 packets"),
        (1, "entry", "entries", "1 entry"), (5, "entry", "entries", "5 entries"),
        (1, "discrepancy", "discrepancies", "1 discrepancy"),
    ] as [(Int, String, String?, String)])
    func countWithItsNoun(n: Int, singular: String, plural: String?, text: String) {
        #expect(counted(n, singular, plural) == text)
        #expect(counted(UInt64(n), singular, plural) == text)
    }
}
