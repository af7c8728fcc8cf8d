/// A JSON document with object keys kept in the order they were built, so a render is
/// byte-for-byte stable and reads in nft's own field order (family, table, name, ...).
///
/// Hand-written rather than JSONSerialization: that one reorders keys (or sorts them) and
/// escapes `/` and prints floats depending on the platform's Foundation.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        default: false
        }
    }

    /// Pretty-printed with two-space indentation, `"key": value`, and `[]` / `{}` for
    /// empty containers. No trailing newline.
    public func pretty(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent + 1)
        let end = String(repeating: "  ", count: indent)
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return Self.quote(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            return "[\n" + items.map { pad + $0.pretty(indent: indent + 1) }.joined(separator: ",\n") + "\n" + end + "]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            return "{\n" + fields.map { pad + Self.quote($0.0) + ": " + $0.1.pretty(indent: indent + 1) }
                .joined(separator: ",\n") + "\n" + end + "}"
        }
    }

    /// On one line, no spaces: `{"key":value,...}`.
    public func compact() -> String {
        switch self {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .int(let i): String(i)
        case .string(let s): Self.quote(s)
        case .array(let items): "[" + items.map { $0.compact() }.joined(separator: ",") + "]"
        case .object(let fields): "{" + fields.map { Self.quote($0.0) + ":" + $0.1.compact() }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259).
    public static func quote(_ s: String) -> String {
        "\"" + s.replacingScalars { u in
            switch u {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case _ where u.value < 0x20: (u.value < 0x10 ? "\\u000" : "\\u00") + String(u.value, radix: 16)
            default: nil
            }
        } + "\""
    }
}
