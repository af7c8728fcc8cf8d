import FwctlNet

/// Renders a `Ruleset` as nft 1.0.6 text, byte for byte what `nft list` prints for it.
///
/// The contract: loading `render(table)` with `nft -f` into an empty namespace and running
/// `nft list table FAMILY NAME` prints exactly `render(table)` again (counter values
/// aside). Layout facts reproduced here: one tab per nesting level, a blank line between
/// blocks (sets first, then chains, each in declaration order), set element lists wrapped
/// the way nft's `calculate_delim` wraps them, priorities named relative to the nearest
/// standard priority. See `NftText+Rule.swift` for the canonical forms of rules.
public enum NftText {
    /// Every table, one after another, as `nft list ruleset` prints them.
    public static func render(_ ruleset: Ruleset) -> String {
        String(decoding: utf8(ruleset), as: UTF8.self)
    }

    /// `render(ruleset)` as UTF-8 bytes, without building a `String` of the whole text: what
    /// the apply log and the audit report hash (SHA-256 of this text).
    public static func utf8(_ ruleset: Ruleset) -> [UInt8] {
        guard ruleset.tables.count != 1 else { return tableBytes(ruleset.tables[0], setCache: nil) }
        return ruleset.tables.flatMap { tableBytes($0, setCache: nil) }
    }

    /// Exactly what `nft list table FAMILY NAME` prints for the table.
    public static func render(_ table: Table) -> String {
        render(table, setCache: nil)
    }

    /// Renders many tables that share sets (a fleet's hosts share role sets): each distinct
    /// set is formatted once. Same output as `render(_:)`.
    public static func render(_ ruleset: Ruleset, setCache: SetTextCache) -> String {
        String(decoding: ruleset.tables.flatMap { tableBytes($0, setCache: setCache) }, as: UTF8.self)
    }

    static func render(_ table: Table, setCache: SetTextCache?) -> String {
        String(decoding: tableBytes(table, setCache: setCache), as: UTF8.self)
    }

    /// The table's `flags` and `comment` lines, as nft prints them first in the table block.
    static func tableAttributes(_ table: Table) -> String {
        var s = ""
        if table.flags != 0 { s += "\tflags \(tableFlagNames(table.flags).joined(separator: ","))\n" }
        if let c = table.comment { s += "\tcomment \"\(c)\"\n" }
        return s
    }

    /// nft's names of NFT_TABLE_F_* flags; a bit nft has no name for shows as its value.
    public static func tableFlagNames(_ flags: UInt32) -> [String] {
        let names: [UInt32: String] = [1: "dormant", 2: "owner", 4: "persist"]
        return (0..<32).compactMap { bit in
            let f = UInt32(1) << UInt32(bit)
            guard flags & f != 0 else { return nil }
            return names[f] ?? "0x\(String(f, radix: 16))"
        }
    }

    /// The set block, indented one tab, ending with `\t}\n`. Elements print sorted; nft
    /// rejects overlapping elements in an interval set and ranges or prefixes in a set
    /// without `flags interval`, and keeps adjacent elements separate (no auto-merge).
    public static func render(set: NamedSet) -> String {
        String(decoding: setBytes(set), as: UTF8.self)
    }

    /// The chain block with its rules, indented one tab, ending with `\t}\n`. The family
    /// decides how the priority is named.
    public static func render(chain: Chain, family: TableFamily = .inet) -> String {
        var s = "\tchain \(chain.name) {\n"
        if let comment = chain.comment { s += "\t\tcomment \"\(comment)\"\n" }
        if let hook = chain.hook { s += "\t\t" + render(hook: hook, family: family) + "\n" }
        for rule in chain.rules { s += "\t\t" + render(rule: rule) + "\n" }
        return s + "\t}\n"
    }

    /// The chain's opening lines without indentation, for plan output:
    /// `chain input {` and, for a base chain, a tab-indented hook line (a comment line first
    /// when the chain has one). No trailing newline.
    public static func render(chainHeader chain: Chain, family: TableFamily = .inet) -> String {
        var lines = ["chain \(chain.name) {"]
        if let comment = chain.comment { lines.append("\tcomment \"\(comment)\"") }
        if let hook = chain.hook { lines.append("\t" + render(hook: hook, family: family)) }
        return lines.joined(separator: "\n")
    }

    /// `type filter hook input priority filter; policy drop;`
    public static func render(hook: BaseChainHook, family: TableFamily) -> String {
        let prio = ChainPriority.name(hook.priority, family: family, hook: hook.hook)
        return "type \(hook.type.rawValue) hook \(hook.hook.rawValue) priority \(prio); policy \(hook.policy.rawValue);"
    }

    /// nft keeps interval set elements sorted by key; fwctl's elements are sorted and
    /// disjoint already, sorting again makes hand-built sets print as nft would.
    static func sortedElements(_ elements: [SetElement]) -> [SetElement] {
        func key(_ e: SetElement) -> (Int, IPAddress, IPAddress, UInt16, UInt16) {
            switch e {
            case .address(let r): (0, r.lower, r.upper, 0, 0)
            case .port(let r): (1, .v4(0), .v4(0), r.lower, r.upper)
            case .proto(let p): (2, .v4(0), .v4(0), UInt16(p), UInt16(p))
            case .dispatch(let p, let port, _): (3, .v4(0), .v4(0), UInt16(p), port)
            }
        }
        // The compiler's elements come sorted and unique: check that in one pass rather than
        // hash and sort 100,000 of them again.
        if zip(elements, elements.dropFirst()).allSatisfy({ key($0) < key($1) }) { return elements }
        return Array(Set(elements)).sorted { key($0) < key($1) }
    }
}

/// Memoised set blocks for rendering many tables that share sets; not thread-safe.
///
/// Looked up by name and confirmed by equality, which is cheap when the tables share the
/// set's element array (the compiler builds each role's elements once per fleet).
public final class SetTextCache {
    private var texts: [String: (set: NamedSet, text: [UInt8])] = [:]

    public init() {}

    /// The set's block as UTF-8.
    func bytes(of set: NamedSet) -> [UInt8] {
        if let hit = texts[set.name], hit.set == set { return hit.text }
        let t = NftText.setBytes(set)
        texts[set.name] = (set, t)
        return t
    }
}
