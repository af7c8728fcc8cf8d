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

    @Test("nft -j -f of the JSON render loads, lists as the text render, and as the same JSON", arguments: Catalog.all.map(\.name))
    func jsonRoundTrip(name: String) throws {
        let table = try #require(Catalog.all.first { $0.name == name })
        let ns = try TestNamespace()
        defer { ns.remove() }
        let json = NftJSON.render(Ruleset(tables: [table]))
        try ns.nft(["-j", "-f", "-"], stdin: json)
        // nft 1.0.6's JSON parser drops set and chain comments (it prints them, but does
        // not read them back); everything else must survive.
        let expected = withoutSetAndChainComments(table)
        let listed = try ns.nft(["list", "table", table.family.rawValue, table.name])
        let text = NftText.render(expected)
        #expect(normaliseCounters(listed) == normaliseCounters(text), "\(firstDifference(listed, text))")

        let listedJSON = try ns.nft(["-j", "list", "table", table.family.rawValue, table.name])
        let theirs = try comparableJSON(listedJSON)
        let ours = try comparableJSON(NftJSON.render(Ruleset(tables: [expected])))
        #expect(theirs.count == ours.count)
        if let i = zip(theirs, ours).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("object \(i) differs:\n  nft:    \(theirs[i])\n  render: \(ours[i])")
        }
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

func withoutSetAndChainComments(_ table: Table) -> Table {
    var t = table
    for i in t.sets.indices { t.sets[i].comment = nil }
    for i in t.chains.indices { t.chains[i].comment = nil }
    return t
}

/// The objects of an nft JSON document without handles and metainfo, each re-serialised
/// with sorted keys, for comparing documents regardless of key order.
func comparableJSON(_ text: String) throws -> [String] {
    func strip(_ v: Any) -> Any {
        if let d = v as? [String: Any] { return d.filter { $0.key != "handle" }.mapValues(strip) }
        if let a = v as? [Any] { return a.map(strip) }
        return v
    }
    let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let items = try #require(parsed?["nftables"] as? [[String: Any]])
    return try items.filter { $0["metainfo"] == nil }.map {
        let data = try JSONSerialization.data(withJSONObject: strip($0), options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
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
