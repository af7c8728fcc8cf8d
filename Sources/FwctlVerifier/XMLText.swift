import FwctlNet

/// Text and attribute values for XML and XHTML-compatible HTML (the JUnit report, the audit
/// report): XML's own entities, and the control characters XML 1.0 cannot carry dropped.
public enum XMLText {
    public static func escape(_ s: String) -> String {
        s.replacingScalars { c in
            switch c {
            case "&": "&amp;"
            case "<": "&lt;"
            case ">": "&gt;"
            case "\"": "&quot;"
            case "'": "&#39;"   // &apos; is not HTML 4's; &#39; means the same everywhere
            case "\n", "\t": nil
            default: c.value >= 0x20 && c.value != 0x7f ? nil : ""
            }
        }
    }
}
