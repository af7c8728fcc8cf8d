import Testing
@testable import FwctlPolicy

@Suite struct RendererTests {
    @Test func unknownNameHasCaretAndDidYouMean() {
        let out = Here.render("role web { host w1 = 192.0.2.1 }\nallow web -> wbe : tcp/443\n")
        #expect(out == """
        t.policy:2:14: error: unknown role, network or host 'wbe' [E-unknown-name]
            2 | allow web -> wbe : tcp/443
              |              ^~~
              = help: did you mean 'web'?
        1 error, 0 warnings

        """)
    }
}

/// The `help:` of errors that have a fix: the valid forms, or the corrected text.
@Suite struct HelpTests {
    @Test(arguments: [
        ("defaults { egres = open }", "did you mean 'egress'? valid keys: egress, log, echo, table, forward, dispatch"),
        ("defaults { colour = red }", "valid keys: egress, log, echo, table, forward, dispatch"),
        ("defaults { egress = closed }", "write egress = filter | open"),
        ("defaults { echo = 5/fortnight }", "write echo = off | N/second | N/minute | N/hour | N/day"),
        ("defaults { forward = yes }", "write forward = unmanaged | drop | policy"),
        ("role a { host h = 192.0.2.1 }\nallow a -> a : tcp/1 { reviewer 2027-01-01 }", "did you mean 'review'? valid keys: owner \"TEAM\", because \"WHY\", review YYYY-MM-DD"),
        ("service s = proto udp", "write udp/PORT, or udp/1-65535 for every port"),
        ("service s = proto ipv6-icmp", "write icmpv6 (optionally with types: icmpv6 echo-request)"),
        ("service s = proto grr", "did you mean 'gre'?"),
        ("service s = icmpv6 packet-to-big", "did you mean 'packet-too-big'?"),
        ("service s = tcp/443-80", "write tcp/80-443"),
        ("network n = ::ffff:10.1.2.3", "write the IPv4 address 10.1.2.3 instead"),
        ("network n = 10.9.8.7-10.0.0.0", "write 10.0.0.0-10.9.8.7"),
        ("network n = 192.0.2.77/26", "write 192.0.2.64/26"),
        ("network n = 2001:db8::1/32", "write 2001:db8::/32"),
        ("network n = 010.0.0.1", "write 10: leading zeros read as octal in some tools"),
    ])
    func helpSaysHowToFix(text: String, help: String) {
        let helps = Here.check(text).diagnostics.compactMap(\.help)
        #expect(helps.contains(help), "\(helps)")
    }
}

@Suite struct CaretTests {
    /// The caret line under `text`'s first diagnostic.
    static func caret(_ text: String) -> [String] {
        Array(Here.render(text).split(separator: "\n").map(String.init).prefix(3))
    }

    @Test func byteOrderMarkDoesNotShiftTheCaret() {
        #expect(Self.caret("\u{FEFF}network n = 10.0.0.0/33") == [
            "t.policy:1:16: error: prefix length 33 is out of range for IPv4 (0-32) [E-bad-prefix]",
            "    1 | network n = 10.0.0.0/33",
            "      |             ^~~~~~~~~~~",
        ])
    }

    /// The column in the header counts UTF-8 bytes (é is two); the caret counts characters.
    @Test func nonASCIIBeforeTheRangeIsOneCaretColumnEach() {
        #expect(Self.caret("network n = 192.0.2.0/24\nallow n -> n : tcp/1 { owner \"équipe\" because 5 }") == [
            "t.policy:2:48: error: expected a string in quotes after 'because', found '5' [E-syntax]",
            "    2 | allow n -> n : tcp/1 { owner \"équipe\" because 5 }",
            "      |                                               ^",
        ])
    }
}

/// `dispatch = rules | map`: the layout of new connections' path, checked where written.
@Suite struct DispatchDefaultsTests {
    @Test func dispatchTakesRulesOrMap() {
        var d = Defaults()
        #expect(d.dispatchByMap, "map by default")
        #expect(Parser.apply(key: "dispatch", value: "rules", to: &d) && !d.dispatchByMap)
        #expect(Parser.apply(key: "dispatch", value: "map", to: &d) && d.dispatchByMap)
        #expect(!Parser.apply(key: "dispatch", value: "vmap", to: &d))
    }
}
