/// Statements other than flows: definitions, `defaults`, `test`, and the block machinery.
extension Parser {
    mutating func statement(_ keyword: String) throws {
        switch keyword {
        case "network": try network()
        case "service": try service()
        case "role": try role()
        case "allow": try flow(.allow)
        case "deny": try flow(.deny)
        case "defaults": try defaults()
        default: try test()
        }
    }

    /// `network NAME = ADDR, ...`
    private mutating func network() throws {
        let start = tok.start
        advance()
        let name = try name("a network name")
        try expectEquals(after: "network \(name.text.clipped)")
        if atStatementStart || tok.kind == .eof {
            // Keep the (empty) network so its uses do not cascade into unknown-name errors.
            sink.error("E-empty-network", "network '\(name.text.clipped)' lists no addresses", at: range(prev), help: "network NAME = ADDR, ... (addresses, prefixes or ranges)")
            syntax.networks.append(NetworkSyntax(name: name, addresses: [], range: range(start, prev.end)))
            return
        }
        let addresses = try addressList("an address")
        syntax.networks.append(NetworkSyntax(name: name, addresses: addresses, range: range(start, prev.end)))
    }

    /// `service NAME = ATOM, ...`
    private mutating func service() throws {
        let start = tok.start
        advance()
        let name = try name("a service name")
        try expectEquals(after: "service \(name.text.clipped)")
        var atoms: [ServiceAtom] = []
        repeat {
            // A missing atom before the next statement (`service s =`, a trailing comma):
            // report it but keep the service, so its uses do not cascade into unknown names.
            if atStatementStart || tok.kind == .eof {
                _ = fail(prev.kind == .comma ? "expected a service atom after ','" : "expected a service atom (tcp/PORT, udp/PORT, sctp/PORT, proto NAME, icmp, icmpv6)")
                break
            }
            if case .inline(let atom, _, _)? = try serviceItem(inDefinition: true) { atoms.append(atom) }
        } while consumeComma()
        syntax.services.append(ServiceSyntax(name: name, atoms: atoms, range: range(start, prev.end)))
    }

    /// `role NAME { host NAME = ADDR, ... ... }`
    private mutating func role() throws {
        let start = tok.start
        advance()
        let name = try name("a role name")
        guard tok.kind == .lbrace else { throw fail("expected '{' to open role \(name.text.clipped)", help: "role NAME { host HOST = ADDR, ... }") }
        let open = tok
        advance()
        var hosts: [HostSyntax] = []
        let end = block(opening: open, what: "role '\(name.text.clipped)'", expected: "'host'", isItemStart: { $0.isWord("host") }) { p in
            let hostStart = p.tok.start
            p.advance()
            let hostName = try p.name("a host name")
            try p.expectEquals(after: "host \(hostName.text.clipped)")
            let addresses = try p.addressList("an address of host \(hostName.text.clipped)")
            hosts.append(HostSyntax(name: hostName, addresses: addresses, range: p.range(hostStart, p.prev.end)))
        }
        syntax.roles.append(RoleSyntax(name: name, hosts: hosts, range: range(start, end)))
    }

    /// `test "NAME" { expect allow|deny|only SRC -> DST : SVC, ... ... }`
    private mutating func test() throws {
        let start = tok.start
        advance()
        guard tok.kind == .string else { throw fail("expected the test's name in quotes", help: "test \"what it checks\" { expect ... }") }
        let testName = stringValue(tok)
        advance()
        guard tok.kind == .lbrace else { throw fail("expected '{' to open the test") }
        let open = tok
        advance()
        var expectations: [ExpectationSyntax] = []
        let end = block(opening: open, what: "test", expected: "'expect'", isItemStart: { $0.isWord("expect") }) { p in
            let itemStart = p.tok.start
            p.recorded = []
            p.advance()
            guard p.tok.kind == .word, let kind = Expectation.Kind(rawValue: p.text(p.tok)) else {
                throw p.fail("expected allow, deny or only after 'expect'")
            }
            p.advance()
            let shape = try p.flowShape()
            expectations.append(ExpectationSyntax(kind: kind, shape: shape, range: p.range(itemStart, p.prev.end)))
        }
        syntax.tests.append(TestSyntax(name: testName, expectations: expectations, range: range(start, end)))
    }

    // MARK: pieces

    /// A name being defined or referred to. Statement keywords are not consumed (they start
    /// the next statement); other reserved words and malformed names are reported and read.
    mutating func name(_ what: String) throws -> NameSyntax {
        guard tok.kind == .word else { throw fail("expected \(what)") }
        let t = text(tok)
        if Keyword.isStatement(t) || t == "host" || t == "expect" {
            throw fail("expected \(what)", help: "'\(t.clipped)' is a keyword")
        }
        let r = range(tok)
        if Keyword.isReserved(t) {
            sink.error("E-reserved-name", "'\(t.clipped)' is a keyword and cannot be used as a name", at: r)
        } else if !Self.isValidName(t) {
            sink.error("E-bad-name", "'\(t.clipped)' is not a valid name", at: r, help: "a name starts with a letter or '_' and continues with letters, digits, '_', '.' or '-'")
        }
        advance()
        return NameSyntax(text: t, range: r)
    }

    static func isValidName(_ t: String) -> Bool {
        guard let f = t.utf8.first, (f >= 0x61 && f <= 0x7A) || (f >= 0x41 && f <= 0x5A) || f == UInt8(ascii: "_") else { return false }
        return t.utf8.allSatisfy { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: ":") }
    }

    /// `what` is made only for the error message (building it per host costs more than parsing).
    mutating func expectEquals(after what: @autoclosure () -> String) throws {
        guard tok.kind == .equals else { throw fail("expected '=' after '\(what())'") }
        advance()
    }

    mutating func consumeComma() -> Bool {
        guard tok.kind == .comma else { return false }
        advance()
        return true
    }

    /// `ADDR, ADDR, ...`: bad literals are reported and left out, the list goes on.
    mutating func addressList(_ describeItem: @autoclosure () -> String) throws -> [AddressSyntax] {
        var out: [AddressSyntax] = []
        repeat {
            if atStatementStart && prev.kind == .comma {
                // A trailing comma: report it, keep the list (no cascade of unknown names).
                sink.error("E-syntax", "expected \(describeItem()) after ',', found \(describe(tok))", at: range(prev), help: "remove the trailing comma")
                break
            }
            if out.isEmpty && prev.kind == .equals && (tok.kind == .rbrace || isWord("host")) {
                // `host d1 = }`: keep the host (empty) so its uses do not cascade.
                _ = fail("expected \(describeItem())")
                break
            }
            guard tok.kind == .word, !atStatementStart else { throw fail("expected \(describeItem())") }
            if let a = address() { out.append(a) }
        } while consumeComma()
        return out
    }

    /// The current word as an address literal; reports and returns nil when it is not one.
    mutating func address() -> AddressSyntax? {
        let t = text(tok), r = range(tok)
        advance()
        if let f = t.utf8.first, !(f >= 0x30 && f <= 0x39), !t.utf8.contains(UInt8(ascii: ":")) {
            sink.error("E-bad-address", "expected an address, found name '\(t.clipped)'", at: r, help: "networks and hosts list addresses; a flow may name several ends: a, b -> c")
            return nil
        }
        switch AddressLiteral.parse(t) {
        case .success(let parsed):
            if let w = parsed.warning { sink.warning(w.id, w.message, at: r, help: w.help) }
            return AddressSyntax(value: parsed.value, text: t, range: r)
        case .failure(let p):
            sink.error(p.id, p.message, at: r, help: p.help)
            return nil
        }
    }

    /// Reads `{ item* }` after its opening brace; returns the offset after the closing brace.
    /// A bad item is skipped up to the next item, `}` or statement keyword; a missing `}` is
    /// reported with a note at the opening brace.
    mutating func block(opening: Token, what: String, expected: String, isItemStart: (Parser) -> Bool, item: (inout Parser) throws -> Void) -> Int {
        while true {
            if tok.kind == .rbrace {
                advance()
                return prev.end
            }
            if tok.kind == .eof || atStatementStart {
                sink.error("E-syntax", "missing '}' to close the \(what)", at: range(prev.end, prev.end),
                           notes: [Diagnostic.Note(message: "the \(what) opens here", range: range(opening))])
                return prev.end
            }
            if isItemStart(self) {
                do { try item(&self) } catch { recorded = nil; skipInBlock(isItemStart) }
            } else {
                _ = fail("expected \(expected) or '}' in the \(what)", atToken: true)
                advance()
                skipInBlock(isItemStart)
            }
        }
    }

    private mutating func skipInBlock(_ isItemStart: (Parser) -> Bool) {
        while tok.kind != .eof && tok.kind != .rbrace && !atStatementStart && !isItemStart(self) { advance() }
    }
}
