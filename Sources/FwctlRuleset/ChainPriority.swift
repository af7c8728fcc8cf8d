/// How nft names a base chain priority: relative to a standard priority within ±10 of it
/// (`filter`, `filter + 10`, `dstnat - 5`), else the bare number (`-200`).
///
/// Mirrors nft 1.0.6's behaviour: standard priorities are tried in ascending order; the
/// first within reach decides, and if it does not apply to this family and hook the number
/// is printed instead of trying another.
enum ChainPriority {
    /// Standard priorities of the ip, ip6, inet, arp and netdev families.
    static let standard: [(value: Int64, name: String)] = [
        (-300, "raw"), (-150, "mangle"), (-100, "dstnat"), (0, "filter"), (50, "security"), (100, "srcnat"),
    ]
    /// The bridge family's own standard priorities.
    static let bridge: [(value: Int64, name: String)] = [
        (-300, "dstnat"), (-200, "filter"), (100, "out"), (300, "srcnat"),
    ]

    static func name(_ priority: Int32, family: TableFamily, hook: Hook) -> String {
        let table = family == .bridge ? bridge : standard
        for std in table {
            let offset = Int64(priority) - std.value
            guard abs(offset) <= 10 else { continue }
            guard applies(std.name, family: family, hook: hook) else { break }
            if offset > 0 { return "\(std.name) + \(offset)" }
            if offset < 0 { return "\(std.name) - \(-offset)" }
            return std.name
        }
        return String(priority)
    }

    /// Whether nft uses a standard priority's name for this family and hook.
    static func applies(_ name: String, family: TableFamily, hook: Hook) -> Bool {
        if family == .bridge {
            switch name {
            case "dstnat": return hook == .prerouting
            case "out": return hook == .output
            case "srcnat": return hook == .postrouting
            default: return true
            }
        }
        let ipFamilies: [TableFamily] = [.inet, .ip, .ip6]
        switch name {
        case "filter": return family != .bridge
        case "raw", "mangle", "security": return ipFamilies.contains(family)
        case "dstnat": return ipFamilies.contains(family) && hook == .prerouting
        case "srcnat": return ipFamilies.contains(family) && hook == .postrouting
        default: return false
        }
    }
}
