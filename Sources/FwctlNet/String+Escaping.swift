extension String {
    /// The string with each Unicode scalar for which `replacement` returns text written as
    /// that text, and every other scalar kept. fwctl's escapers (JSON string literals, XML
    /// text, Markdown text) differ only in their tables; this is the loop they share.
    public func replacingScalars(_ replacement: (Unicode.Scalar) -> String?) -> String {
        var out = String.UnicodeScalarView()
        for u in unicodeScalars {
            if let r = replacement(u) { out.append(contentsOf: r.unicodeScalars) } else { out.append(u) }
        }
        return String(out)
    }
}
