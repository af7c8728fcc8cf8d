import FwctlNet

/// `allow` / `deny` statements and the flow shape they share with `expect`.
extension Parser {
    /// `allow SRC -> DST : SVC, ... [{ owner "..." because "..." review YYYY-MM-DD }]`
    mutating func flow(_ action: FlowAction) throws {
        let start = tok.start
        recorded = []
        advance()
        let shape = try flowShape()
        var metadata = FlowMetadata()
        var metadataRange: SourceRange? = nil
        var reviewRange: SourceRange? = nil
        if tok.kind == .lbrace {
            (metadata, metadataRange, reviewRange) = metadataBlock()
            if action == .deny, let r = metadataRange {
                sink.error("E-deny-metadata", "review metadata belongs to allow, not deny", at: r, help: "a deny needs no justification; remove the block")
            }
        }
        syntax.flows.append(FlowSyntax(action: action, shape: shape, metadata: metadata, metadataRange: metadataRange, reviewRange: reviewRange, range: range(start, prev.end)))
    }

    static let metadataKeys = ["owner", "because", "review"]

    /// `{ owner "..." because "..." review YYYY-MM-DD }`: returns the metadata, the block's
    /// range, and the review date's range (for the "review date passed" warning).
    private mutating func metadataBlock() -> (FlowMetadata, SourceRange?, SourceRange?) {
        let open = tok
        advance()
        var metadata = FlowMetadata()
        var reviewRange: SourceRange? = nil
        var seen: [String: SourceRange] = [:]
        let end = block(opening: open, what: "metadata block", expected: "owner, because or review", isItemStart: { $0.tok.kind == .word && !$0.atStatementStart }) { p in
            let key = p.text(p.tok), keyRange = p.range(p.tok)
            p.advance()
            guard Self.metadataKeys.contains(key) else {
                let help = (DidYouMean.suggestion(for: key, among: Self.metadataKeys).map { "did you mean '\($0)'? " } ?? "")
                    + "valid keys: owner \"TEAM\", because \"WHY\", review YYYY-MM-DD"
                p.sink.error("E-metadata-key", "unknown metadata key '\(key.clipped)'", at: keyRange, help: help)
                // Skip its value too, so it is not taken for the next key.
                if p.tok.kind == .string || (p.tok.kind == .word && !Self.metadataKeys.contains(p.text(p.tok))) { p.advance() }
                return
            }
            if let first = seen[key] {
                p.sink.error("E-duplicate-key", "'\(key.clipped)' is given twice", at: keyRange, notes: [.init(message: "first given here", range: first)])
            }
            seen[key] = seen[key] ?? keyRange
            if key == "review" {
                guard p.tok.kind == .word else { throw p.fail("expected a review date YYYY-MM-DD") }
                let dateText = p.text(p.tok), dateRange = p.range(p.tok)
                p.advance()
                if let date = Self.date(dateText) {
                    metadata.reviewBy = date
                    reviewRange = dateRange
                } else {
                    p.sink.error("E-bad-date", "'\(dateText.clipped)' is not a date", at: dateRange, help: "write a real calendar date as YYYY-MM-DD")
                }
                return
            }
            guard p.tok.kind == .string else {
                // Report and consume a bare word, so it is not taken for the next key.
                _ = p.fail("expected a string in quotes after '\(key)'", help: "\(key) \"...\"")
                if p.tok.kind == .word && !Self.metadataKeys.contains(p.text(p.tok)) && !p.atStatementStart { p.advance() }
                return
            }
            let value = p.stringValue(p.tok)
            p.advance()
            if key == "owner" { metadata.owner = value } else { metadata.justification = value }
        }
        return (metadata, range(open.start, end), reviewRange)
    }

    /// `SRC, ... -> DST, ... : SVC, ...`; `recorded` must be on (the keyword already in it).
    mutating func flowShape() throws -> FlowShape {
        var complete = true
        let sources = try ends("a source", complete: &complete)
        guard tok.kind == .arrow else { throw fail("expected '->' after the source", help: "a flow reads SRC -> DST : SERVICE, ...") }
        advance()
        let destinations = try ends("a destination", complete: &complete)
        guard tok.kind == .colon else { throw fail("expected ':' and the services after the destination", help: "a flow reads SRC -> DST : SERVICE, ...") }
        advance()
        var services: [ServiceItemSyntax] = []
        repeat {
            if let item = try serviceItem(inDefinition: false) { services.append(item) } else { complete = false }
        } while consumeComma()
        let text = joinedText(recorded ?? [])
        recorded = nil
        return FlowShape(sources: sources, destinations: destinations, services: services, text: text, complete: complete)
    }

    private mutating func ends(_ what: String, complete: inout Bool) throws -> [EndSyntax] {
        var out: [EndSyntax] = []
        repeat {
            switch tok.kind {
            case .star:
                out.append(.star(range(tok)))
                advance()
            case .word where !atStatementStart:
                let t = text(tok)
                if let f = t.utf8.first, (f >= 0x30 && f <= 0x39) || t.utf8.contains(UInt8(ascii: ":")) {
                    if let a = address() { out.append(.address(a)) } else { complete = false }
                } else {
                    out.append(.name(try name(what)))
                }
            default:
                throw fail("expected \(what) (a role, network or host name, an address, or '*')")
            }
        } while consumeComma()
        return out
    }

    /// One service item: an inline atom (`tcp/443`, `proto vrrp`, `icmp echo-request`,
    /// `any`) or, in a flow, a service name. Returns nil after reporting a bad atom.
    mutating func serviceItem(inDefinition: Bool) throws -> ServiceItemSyntax? {
        guard tok.kind == .word, !atStatementStart else {
            throw fail(inDefinition ? "expected a service (tcp/PORT, udp/PORT, sctp/PORT, proto NAME, icmp, icmpv6)" : "expected a service name or an inline service (tcp/443, any, ...)")
        }
        let first = tok
        let t = text(tok)
        advance()
        func inline(_ atom: ServiceAtom) -> ServiceItemSyntax {
            .inline(atom, text: text(from: first, to: prev), range: range(first.start, prev.end))
        }
        if t.utf8.contains(UInt8(ascii: "/")) {
            // `tcp/+80`: the lexer ends the word at `+`; the port as written runs on to the
            // next space, and the message and caret are about all of it.
            var literal = t, end = first.end
            if t.hasSuffix("/") {
                while end < lexer.bytes.count, !Self.endsPortText(lexer.bytes[end]) { end += 1 }
                literal += String(decoding: lexer.bytes[first.end..<end], as: UTF8.self)
            }
            switch ServiceLiteral.ports(literal) {
            case .success(let atom): return inline(atom)
            case .failure(let p):
                let location = p.span.map { range(first.start + $0.lowerBound, first.start + $0.upperBound) } ?? range(first)
                sink.error(p.id, p.message, at: location, help: p.help)
                while tok.kind != .eof && tok.start < end { advance() }
                return nil
            }
        }
        switch t {
        case "proto":
            guard tok.kind == .word, !atStatementStart else { throw fail("expected an IP protocol name or number after 'proto'") }
            let protoToken = tok
            advance()
            switch ServiceLiteral.proto(text(protoToken)) {
            case .success(let n): return inline(.proto(n))
            case .failure(let p):
                sink.error(p.id, p.message, at: range(protoToken), help: p.help)
                return nil
            }
        case "icmp", "icmpv6":
            return icmp(v6: t == "icmpv6").map(inline)
        case "any":
            if inDefinition {
                sink.error("E-any-in-service", "'any' can only be written inline in a flow", at: range(first), help: "write 'allow SRC -> DST : any'")
                return nil
            }
            return inline(.any)
        default:
            let name = NameSyntax(text: t, range: range(first))
            if t.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                sink.error("E-bad-service", "'\(t.clipped)' is a port without its protocol", at: name.range, help: "write tcp/\(t.clipped) (or udp/, sctp/); each port is its own item: tcp/80, tcp/443")
                return nil
            }
            if inDefinition {
                sink.error("E-bad-service", "'\(t.clipped)' is not a service atom", at: name.range, help: "a service lists tcp/PORT, udp/PORT, sctp/PORT, proto NAME, icmp [TYPE], icmpv6 [TYPE]; services do not nest")
                return nil
            }
            if Keyword.reserved.contains(t) {
                sink.error("E-reserved-name", "'\(t.clipped)' is a keyword and cannot be used as a name", at: name.range)
                return nil
            } else if !Self.isValidName(t) {
                sink.error("E-bad-name", "'\(t.clipped)' is not a valid service name", at: name.range)
                return nil
            }
            return .name(name)
        }
    }

    /// After `icmp`/`icmpv6`: optional types, comma-separated (`icmpv6 echo-request, echo-reply`).
    /// A word after a comma continues the types only when it is a type of that family.
    private mutating func icmp(v6: Bool) -> ServiceAtom? {
        var types: [UInt8] = []
        var ok = true
        guard tok.kind == .word, !Keyword.reserved.contains(text(tok)) else { return v6 ? .icmpv6(types: nil) : .icmp(types: nil) }
        repeat {
            let t = tok
            advance()
            switch ServiceLiteral.icmpType(text(t), v6: v6) {
            case .success(let n): types.append(n)
            case .failure(let p):
                sink.error(p.id, p.message, at: range(t), help: p.help)
                ok = false
            }
        } while tok.kind == .comma && nextIsIcmpType(v6: v6) && consumeComma()
        guard ok else { return nil }
        return v6 ? .icmpv6(types: types) : .icmp(types: types)
    }

    private func nextIsIcmpType(v6: Bool) -> Bool {
        let n = peek()
        guard n.kind == .word else { return false }
        let t = text(n)
        return t.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } || (v6 ? ServiceLiteral.icmpv6Types : ServiceLiteral.icmpTypes)[t] != nil
    }

    /// Source text of the tokens `first...last` on one line (re-lexed: they are few).
    private func text(from first: Token, to last: Token) -> String {
        if first.start == last.start { return text(first) }
        var l = Lexer(bytes: lexer.bytes, offset: first.start)
        var parts: [Token] = []
        while true {
            let t = l.next()
            if t.kind == .eof || t.start >= last.end { break }
            if t.kind != .invalid { parts.append(t) }
        }
        return joinedText(parts)
    }

    /// `YYYY-MM-DD`, a real calendar date.
    /// Where a port written after `PROTO/` ends: white space, a list's comma, a block's brace
    /// or a comment.
    static func endsPortText(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: ",") || b == UInt8(ascii: "{")
            || b == UInt8(ascii: "}") || b == UInt8(ascii: "#")
    }

    static func date(_ t: String) -> CalendarDate? {
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].utf8.count == 4, parts[1].utf8.count == 2, parts[2].utf8.count == 2,
              parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m) else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard (1...days).contains(d) else { return nil }
        return CalendarDate(year: y, month: m, day: d)
    }
}
