/// Checks text against fwctl's JSON convention (`FwctlJSON`) as printed: pretty layout
/// (`"key": value`, two-space indentation), each object's keys in ascending order, no `\/`.
/// Returns what breaks it, one line each; empty when the text follows it.
public enum JSONConvention {
    public static func violations(in text: String) -> [String] {
        var problems: [String] = []
        if text.contains("\\/") { problems.append("a slash is escaped (\\/)") }
        if text.contains("\" : ") { problems.append("a key is followed by ' : ' instead of ': '") }
        // The last key seen at each indentation of the objects still open.
        var last: [Int: String] = [:]
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = line.prefix { $0 == " " }.count
            let body = line.dropFirst(indent)
            guard indent % 2 == 0 else { problems.append("line \(n + 1): odd indentation"); continue }
            // Any line at this depth ends the objects that were deeper.
            for d in last.keys where d > indent { last[d] = nil }
            guard body.first == "\"", let end = body.dropFirst().firstIndex(of: "\""),
                  body[body.index(after: end)...].hasPrefix(": ") else { continue }
            let key = String(body[body.index(after: body.startIndex)..<end])
            if let previous = last[indent], !previous.unicodeScalars.lexicographicallyPrecedes(key.unicodeScalars) {
                problems.append("line \(n + 1): key \"\(key)\" after \"\(previous)\"")
            }
            last[indent] = key
        }
        return problems
    }
}
