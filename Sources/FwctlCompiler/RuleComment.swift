import FwctlPolicy

/// The comment every flow rule carries: `scale-up.policy:31: allow lb -> web : https`.
///
/// It leads from the kernel's listing, counters and logs back to the policy line. nft limits
/// comments to 128 bytes and cannot quote a `"`, so the text is cut (on a character boundary,
/// marked with `...`) and quotes are replaced.
enum RuleComment {
    static let maxBytes = 128

    static func text(for flow: Flow) -> String {
        let file = flow.range.file.split(separator: "/").last.map(String.init) ?? flow.range.file
        return clip("\(file):\(flow.range.start.line): \(flow.text)")
    }

    static func clip(_ s: String) -> String {
        // The usual comment is short printable ASCII without quotes: nothing to replace or
        // cut, and no per-character work (this runs for every rule of every host).
        if s.utf8.count <= maxBytes && s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") }) { return s }
        let clean = String(s.map { $0 == "\"" ? "'" : ($0.isNewline ? " " : $0) })
        guard clean.utf8.count > maxBytes else { return clean }
        var out = ""
        for ch in clean {
            if out.utf8.count + String(ch).utf8.count > maxBytes - 3 { break }
            out.append(ch)
        }
        return out + "..."
    }
}
