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
