/// Text and attribute values for XML and XHTML-compatible HTML (the JUnit report, the audit
/// report): XML's own entities, and the control characters XML 1.0 cannot carry dropped.
public enum XMLText {
    public static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"   // &apos; is not HTML 4's; &#39; means the same everywhere
            case "\n", "\t": out.unicodeScalars.append(c)
            default: if c.value >= 0x20 && c.value != 0x7f { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}
