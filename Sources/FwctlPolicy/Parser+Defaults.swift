/// `defaults { KEY = VALUE ... }`: fleet-wide settings, each value checked where it is written.
extension Parser {
    static let defaultsForms: [String: String] = [
        "egress": "egress = filter | open",
        "log": "log = off | N/second | N/minute | N/hour | N/day",
        "echo": "echo = off | N/second | N/minute | N/hour | N/day",
        "table": "table = NAME",
        "forward": "forward = unmanaged | drop | policy",
        "dispatch": "dispatch = rules | map",
    ]
    static let defaultsKeys = ["egress", "log", "echo", "table", "forward", "dispatch"]

    mutating func defaults() throws {
        let start = tok.start
        let keywordRange = range(tok)
        advance()
        guard tok.kind == .lbrace else { throw fail("expected '{' to open the defaults block") }
        let open = tok
        advance()
        var values = Defaults()
        var seen: [String: SourceRange] = [:]
        let isItemStart: (Parser) -> Bool = { p in p.tok.kind == .word && !p.atStatementStart && p.peek().kind == .equals }
        let end = block(opening: open, what: "defaults block", expected: "KEY = VALUE", isItemStart: isItemStart) { p in
            let key = p.text(p.tok), keyRange = p.range(p.tok)
            p.advance()
            p.advance()  // '=' (isItemStart saw it)
            guard p.tok.kind == .word, !p.atStatementStart else { throw p.fail("expected a value for '\(key.clipped)'") }
            let value = p.text(p.tok), valueRange = p.range(p.tok)
            p.advance()
            guard let form = Self.defaultsForms[key] else {
                let help = (DidYouMean.suggestion(for: key, among: Self.defaultsKeys).map { "did you mean '\($0)'? " } ?? "")
                    + "valid keys: " + Self.defaultsKeys.joined(separator: ", ")
                p.sink.error("E-defaults-key", "unknown defaults key '\(key.clipped)'", at: keyRange, help: help)
                return
            }
            if let first = seen[key] {
                p.sink.error("E-duplicate-key", "'\(key.clipped)' is set twice", at: keyRange, notes: [.init(message: "first set here", range: first)])
            }
            seen[key] = seen[key] ?? keyRange
            if !Self.apply(key: key, value: value, to: &values) {
                p.sink.error("E-defaults-value", "'\(value.clipped)' is not a valid value for '\(key.clipped)'", at: valueRange, help: "write \(form)")
            }
        }
        syntax.defaults.append(DefaultsSyntax(values: values, range: range(start, end), keywordRange: keywordRange))
    }

    /// Sets `key` from `value`; false when the value is not one of the key's forms.
    static func apply(key: String, value: String, to d: inout Defaults) -> Bool {
        switch key {
        case "egress":
            guard value == "filter" || value == "open" else { return false }
            d.egressFiltering = value == "filter"
        case "forward":
            guard let mode = ForwardMode(rawValue: value) else { return false }
            d.forward = mode
        case "dispatch":
            guard value == "rules" || value == "map" else { return false }
            d.dispatchByMap = value == "map"
        case "table":
            // nft table names: a letter, then letters, digits, '_', '.', '-' (no '/', no ':').
            guard isValidName(value), value.utf8.count <= 64, !Keyword.reserved.contains(value) else { return false }
            d.tableName = value
        case "log", "echo":
            let on: Bool
            var rate = key == "log" ? d.logRate : d.echoRate
            if value == "off" {
                on = false
            } else if let r = Self.rate(value) {
                on = true
                rate = r
            } else {
                return false
            }
            if key == "log" { d.logDrops = on; d.logRate = rate } else { d.echoRequest = on; d.echoRate = rate }
        default:
            return false
        }
        return true
    }

    /// `N/unit` with N at least 1 (nft's limit takes a 32-bit count) and unit second..day.
    static func rate(_ text: String) -> Rate? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 10,
              parts[0].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let n = UInt64(parts[0]), n >= 1, n <= UInt64(UInt32.max),
              let unit = Rate.Unit(rawValue: String(parts[1])) else { return nil }
        return Rate(n, per: unit)
    }
}
