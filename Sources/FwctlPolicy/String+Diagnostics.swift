/// Small text helpers for diagnostic messages.
extension StringProtocol {
    /// User text for a message, cut so a 100 KB token cannot make a 100 KB message.
    var clipped: String {
        guard utf8.count > 48 else { return String(self) }
        return String(prefix(45)) + "..."
    }
}

extension String {
    /// Zero-padded on the left to `width` (U+0001).
    func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

extension String {
    /// The text of a diagnostic with every name clipped: each run of characters between
    /// spaces, quotes, brackets and commas (a name, an address, a service) keeps at most
    /// `name` characters and then `…`, and the whole text at most `total`. Applied once to
    /// every message, help and note (see `Diagnostic`), so no message grows with a name.
    func clippingNames(name: Int = 64, total: Int = 400) -> String {
        guard utf8.count > name else { return self }
        var out: [UInt8] = [], run = 0, count = 0, skipping = false
        let ellipsis = Array("…".utf8)
        for b in utf8 {
            // Decisions are made on a scalar's first byte; its other bytes follow it.
            guard b & 0xC0 != 0x80 else {
                if !skipping { out.append(b) }
                continue
            }
            if count >= total { out += ellipsis; break }
            run = Self.separators.contains(b) ? 0 : run + 1
            skipping = run > name
            if skipping {
                if run == name + 1 { out += ellipsis; count += 1 }
                continue
            }
            out.append(b)
            count += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let separators: Set<UInt8> = Set(" \t\r\n'\"(),[]{};".utf8)
}
