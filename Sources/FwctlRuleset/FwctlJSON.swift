import Foundation

/// fwctl's own JSON, every report and state file it writes (plan, status, verify, test, diff,
/// audit, lab, the apply log), follows one convention, defined here and nowhere else:
/// object keys in sorted order (by Unicode scalar values) at every level, `/` never escaped,
/// and, pretty-printed, two-space indentation with `"key": value` and `[]`/`{}` when empty.
/// Sorted keys make the order stable and documented whatever built the value, and match
/// what `JSONEncoder` can promise. nft's JSON (`compile --format json`) is nft's, in nft's order.
public enum FwctlJSON {
    /// `value` with its keys sorted, pretty-printed and newline-terminated.
    public static func text(_ value: JSONValue) -> String {
        value.sortedKeys.pretty() + "\n"
    }

    /// A Codable value, pretty-printed and newline-terminated.
    public static func text<T: Encodable>(_ value: T) throws -> String {
        pretty(try encoder().encode(value)) + "\n"
    }

    /// The encoder of the convention's compact form: one line, no spaces (the apply log's
    /// lines, state files).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Compact JSON (as `encoder()` writes it) laid out as `JSONValue.pretty` does, so a
    /// Codable value and a built one read alike.
    static func pretty(_ compact: Data) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(compact.count * 2)
        var depth = 0, inString = false, escaped = false
        let bytes = [UInt8](compact)
        func newline() {
            out.append(0x0A)
            out.append(contentsOf: repeatElement(0x20, count: 2 * depth))
        }
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            defer { i += 1 }
            if inString {
                out.append(b)
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true; out.append(b)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(b)
                // An empty container stays on one line.
                if i + 1 < bytes.count, bytes[i + 1] == (b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    out.append(bytes[i + 1])
                    i += 1
                } else {
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline()
                out.append(b)
            case UInt8(ascii: ","): out.append(b); newline()
            case UInt8(ascii: ":"): out.append(contentsOf: [b, 0x20])
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension JSONValue {
    /// The same value with every object's keys in sorted order (`FwctlJSON`'s convention).
    public var sortedKeys: JSONValue {
        switch self {
        case .array(let items): .array(items.map(\.sortedKeys))
        case .object(let fields): .object(fields.map { ($0.0, $0.1.sortedKeys) }.sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) })
        default: self
        }
    }
}
