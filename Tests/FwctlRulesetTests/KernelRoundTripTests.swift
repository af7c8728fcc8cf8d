import Foundation
import FwctlNet
import FwctlTestSupport
import Testing
@testable import FwctlRuleset

/// The renderer's contract, checked against the real nft and kernel in a fresh network
/// namespace: what we render, nft loads, and lists back byte for byte.
@Suite("Kernel round trip", .enabled(if: TestNamespace.isRoot, "needs root: creates a network namespace and loads nft tables"))
struct KernelRoundTripTests {
    @Test("nft -f of the text render lists back identical", arguments: Catalog.all.map(\.name))
    func textRoundTrip(name: String) throws {
        let table = try #require(Catalog.all.first { $0.name == name })
        let ns = try TestNamespace()
        defer { ns.remove() }
        let text = NftText.render(table)
        try ns.nft(["-c", "-f", "-"], stdin: text)
        try ns.nft(["-f", "-"], stdin: text)
        let listed = try ns.nft(["list", "table", table.family.rawValue, table.name])
        #expect(normaliseCounters(listed) == normaliseCounters(text), "\(firstDifference(listed, text))")
    }

    @Test("all catalog tables in one ruleset list back as the ruleset render")
    func rulesetRoundTrip() throws {
        let ns = try TestNamespace()
        defer { ns.remove() }
        let ruleset = Ruleset(tables: Catalog.all)
        let text = NftText.render(ruleset)
        try ns.nft(["-f", "-"], stdin: text)
        let listed = try ns.nft(["list", "ruleset"])
        #expect(normaliseCounters(listed) == normaliseCounters(text), "\(firstDifference(listed, text))")
    }
}

/// The first differing line of two texts, for a readable failure message.
func firstDifference(_ a: String, _ b: String) -> String {
    let la = a.split(separator: "\n", omittingEmptySubsequences: false)
    let lb = b.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(la.count, lb.count) {
        let x = i < la.count ? String(la[i]) : "<end>"
        let y = i < lb.count ? String(lb[i]) : "<end>"
        if x != y { return "line \(i + 1):\n  nft:    \(x.debugDescription)\n  render: \(y.debugDescription)" }
    }
    return "no difference"
}
