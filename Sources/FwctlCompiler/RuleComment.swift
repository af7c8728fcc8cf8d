import FwctlPolicy

/// The comment every flow rule carries: `scale-up.policy:31: allow lb -> web : https`.
///
/// It leads from the kernel's listing, counters and logs back to the policy line. nft limits
/// comments to 128 bytes and cannot quote a `"`, so the text is cut (on a character boundary,
/// marked with `...`) and quotes are replaced.
enum RuleComment {
    static let maxBytes = 128

    static func text(for flow: Flow) -> String {
        clip("\(fileName(flow.range.file)):\(flow.range.start.line): \(flow.text)")
    }

    /// The file as comments name it: its last path component.
    static func fileName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    enum Move: Equatable {
        case unchanged
        case moved(String)
        /// A comment of `file` whose line cannot be read back, or that was cut short (its
        /// full text is lost, so it cannot be rewritten as the compiler would).
        case unknown
    }

    /// A comment made by `text(for:)`, its line moved `by` lines when it names `file` at line
    /// `from` or later: the comment compiling the moved flow would give.
    static func moved(_ comment: String, file: String, from: Int, by delta: Int) -> Move {
        let prefix = file + ":"
        guard comment.hasPrefix(prefix) else { return .unchanged }
        let rest = comment.utf8.dropFirst(prefix.utf8.count)
        guard let colon = rest.firstIndex(of: UInt8(ascii: ":")),
              let line = Int(String(decoding: rest[rest.startIndex..<colon], as: UTF8.self)), line > 0 else {
            return .unknown
        }
        guard line >= from else { return .unchanged }
        // A cut comment ends in "..." at the size limit; a short one ending so is left alone too.
        if comment.utf8.count > maxBytes - 8 && comment.hasSuffix("...") { return .unknown }
        let flowPart = String(decoding: rest[colon...], as: UTF8.self)   // ": allow ..."
        return .moved(clip("\(file):\(line + delta)\(flowPart)"))
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
