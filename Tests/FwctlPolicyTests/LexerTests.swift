import Testing
@testable import FwctlPolicy

@Suite struct LexerTests {
    static func tokens(_ s: String) -> [String] {
        let bytes = Array(s.utf8)
        var l = Lexer(bytes: bytes)
        var out: [String] = []
        while true {
            let t = l.next()
            if t.kind == .eof { return out }
            let text = String(decoding: bytes[t.start..<t.end], as: UTF8.self)
            out.append(t.kind == .word ? text : "\(t.kind):\(text)")
        }
    }

    @Test(arguments: [
        ("allow lb -> web : https", ["allow", "lb", "arrow:->", "web", "colon::", "https"]),
        ("allow 2001:db8::1 -> web : https", ["allow", "2001:db8::1", "arrow:->", "web", "colon::", "https"]),
        ("lb->web:https", ["lb", "arrow:->", "web", "colon::", "https"]),
        ("a -> 2001:db8::1: https", ["a", "arrow:->", "2001:db8::1", "colon::", "https"]),
        ("::/0, ::1, 0.0.0.0/0", ["::/0", "comma:,", "::1", "comma:,", "0.0.0.0/0"]),
        ("fe80::1 ::ffff:1.2.3.4", ["fe80::1", "::ffff:1.2.3.4"]),
        ("db-primary node-exporter web-", ["db-primary", "node-exporter", "web-"]),
        ("203.0.113.32-203.0.113.47", ["203.0.113.32-203.0.113.47"]),
        ("2001:db8:2::100-2001:db8:2::1ff", ["2001:db8:2::100-2001:db8:2::1ff"]),
        ("tcp/7000-7010 5/minute 2027-06-30", ["tcp/7000-7010", "5/minute", "2027-06-30"]),
        ("role x { host h = 1.2.3.4 }", ["role", "x", "lbrace:{", "host", "h", "equals:=", "1.2.3.4", "rbrace:}"]),
        ("* # a comment -> x\n}", ["star:*", "rbrace:}"]),
        ("owner \"a \\\"q\\\" b\"", ["owner", "string:\"a \\\"q\\\" b\""]),
        ("\"open\nx", ["unterminatedString:\"open", "x"]),
        ("x;; y", ["x", "invalid:;;", "y"]),
        ("a\u{0}\u{0}b", ["a", "invalid:\u{0}\u{0}", "b"]),
        ("- >", ["invalid:-", "invalid:>"]),
        ("dead:beef : x", ["dead:beef", "colon::", "x"]),  // hex-only names glued to ':' read as IPv6
        ("", []),
    ])
    func splits(input: String, expected: [String]) {
        #expect(Self.tokens(input) == expected)
    }

    @Test func eofRepeatsAndOffsetsAreMonotonic() {
        let bytes = Array("allow a -> b : c".utf8)
        var l = Lexer(bytes: bytes)
        var last = 0
        for _ in 0..<10 {
            let t = l.next()
            #expect(t.start >= last && t.end >= t.start && t.end <= bytes.count)
            last = t.end
        }
        #expect(l.next().kind == .eof)
    }
}
