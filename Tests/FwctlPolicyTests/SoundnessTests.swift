import Testing
@testable import FwctlPolicy

/// Policies that check clean but do not do what they say: shared host addresses, host
/// entries wider than a host, flows no packet can match, denies a host's loopback ignores,
/// names too long for nftables. Each case lists every diagnostic as `line:col id`.
@Suite struct SoundnessTests {
    static func ids(_ text: String) -> [String] {
        Here.check(text).diagnostics.map { "\($0.range.start.line):\($0.range.start.column) \($0.id)" }
    }

    static let both = "allow * -> * : tcp/22\n"

    @Test(arguments: [
        // Two host names, one address: an error at the second, a note at the first.
        ("role a { host x1 = 10.0.0.3 }\nrole b { host x2 = 10.0.0.3 }\n" + both, ["2:10 E-shared-address"]),
        ("role a { host x1 = 2001:db8::1 }\nrole b { host x2 = 2001:db8::1, 10.0.0.9 }\n" + both, ["2:10 E-shared-address"]),
        // A range overlapping another host's address, in either order of definition.
        ("role a { host x1 = 10.0.0.0/24 }\nrole b { host x2 = 10.0.0.77 }\n" + both, ["2:10 E-shared-address"]),
        ("role a { host x1 = 10.0.0.77 }\nrole b { host x2 = 10.0.0.70-10.0.0.80 }\n" + both, ["2:10 E-shared-address"]),
        // A wide entry over both does not hide two hosts sharing an address inside it.
        ("role a { host x1 = 10.0.0.3 }\nrole b { host x2 = 10.0.0.3 }\nrole c { host all = 0.0.0.0/0 }\n" + both, ["2:10 E-shared-address", "3:10 E-shared-address"]),
        // The same host in two roles, and adjacent addresses, are fine.
        ("role a { host x1 = 10.0.0.3 }\nrole b { host x1 = 10.0.0.3\n host x2 = 10.0.0.4 }\n" + both, []),
    ])
    func sharedAddresses(text: String, expected: [String]) {
        #expect(Self.ids(text) == expected)
    }

    @Test func sharedAddressNotesTheFirstHost() throws {
        let d = try #require(Here.check("role a { host x1 = 10.0.0.3 }\nrole b { host x2 = 10.0.0.3 }\n").diagnostics.first)
        #expect(d.message == "host 'x2' has address 10.0.0.3, which host 'x1' has too")
        #expect(d.notes.first?.range.start.line == 1)
    }

    @Test(arguments: [
        ("role r { host everyone = 0.0.0.0/0, ::/0 }\n" + both, ["1:26 W-host-wide", "1:37 W-host-wide"]),
        ("role r { host blk = 10.9.0.0/16 }\nrole s { host s1 = 10.0.0.9 }\n" + both, ["1:21 W-host-wide"]),
        // Once per host, not once per role listing it.
        ("role r { host blk = 10.9.0.0/31 }\nrole s { host blk = 10.9.0.0/31 }\n" + both, ["1:21 W-host-wide"]),
        // A range is the host's own list of addresses, unless it is a whole family.
        ("role r { host many = 10.9.0.1-10.9.0.9 }\n" + both, []),
        ("role r { host all = 0.0.0.0-255.255.255.255 }\n" + both, ["1:21 W-host-wide"]),
        ("role r { host one = 10.9.0.1/32 }\n" + both, []),
    ])
    func wideHosts(text: String, expected: [String]) {
        #expect(Self.ids(text) == expected)
    }

    @Test func wideHostIsTheInternetToo() {
        let text = "role clients { host everyone = 0.0.0.0/0\n host c6 = 2001:db8::7 }\nrole db { host d1 = 2001:db8::5 }\nallow clients -> db : tcp/5432\n" + Self.both
        #expect(Self.ids(text) == ["1:32 W-host-wide", "4:18 W-db-exposed"])
    }

    @Test(arguments: [
        ("role v6only { host a = 2001:db8::1 }\nrole v4only { host b = 10.0.0.1 }\nallow v6only -> v4only : tcp/80\n" + both, ["3:1 W-flow-vacuous"]),
        ("role empty { }\nrole web { host w = 10.0.0.1 }\nallow empty -> web : tcp/80\n" + both, ["1:6 W-empty-role", "3:1 W-flow-vacuous"]),
        // One pair with a common family is enough.
        ("role v6only { host a = 2001:db8::1 }\nrole v4only { host b = 10.0.0.1 }\nallow v6only, v4only -> v4only : tcp/80\n" + both, []),
        ("network n6 = 2001:db8:ff::/48\nrole v4only { host b = 10.0.0.1 }\nallow n6 -> v4only : tcp/80\n" + both, ["3:1 W-flow-vacuous"]),
    ])
    func vacuousFlows(text: String, expected: [String]) {
        #expect(Self.ids(text) == expected)
    }

    @Test func vacuousNamesWhy() throws {
        let text = "role v6only { host a = 2001:db8::1 }\nrole v4only { host b = 10.0.0.1 }\nallow v6only -> v4only : tcp/80\n" + Self.both
        let d = try #require(Here.check(text).diagnostics.first)
        #expect(d.message == "this flow can never carry a packet: no common address family: 'v6only' has only IPv6 addresses, 'v4only' only IPv4 addresses")
    }

    @Test(arguments: [
        ("role w { host w1 = 10.0.0.1 }\ndeny w1 -> w1 : any\n" + both, ["2:1 W-deny-self"]),
        ("role w { host w1 = 10.0.0.1\n host w2 = 10.0.0.2 }\ndeny w -> w1 : tcp/1\n" + both, ["3:1 W-deny-self"]),
        ("role w { host w1 = 10.0.0.1 }\nrole v { host v1 = 10.0.0.2 }\ndeny * -> v : tcp/1\n" + both, ["3:1 W-deny-self"]),
        ("role w { host w1 = 10.0.0.1 }\nrole v { host v1 = 10.0.0.2 }\ndeny w -> v : tcp/1\n" + both, []),
        // An allow to itself is what loopback does anyway.
        ("role w { host w1 = 10.0.0.1 }\nallow w1 -> w1 : tcp/1\n" + both, []),
    ])
    func selfDenies(text: String, expected: [String]) {
        #expect(Self.ids(text) == expected)
    }

    @Test func namesUpToTheLimit() {
        let ok = String(repeating: "r", count: Sema.maxNameBytes)
        #expect(Self.ids("role \(ok) { host h = 10.0.0.1 }\nnetwork n\(ok.dropFirst()) = 10.1.0.0/16\nallow n\(ok.dropFirst()) -> \(ok) : tcp/1\n") == [])
        let long = ok + "x"
        #expect(Self.ids("role \(long) { host h = 10.0.0.1 }\n" + Self.both) == ["1:6 E-name-too-long"])
        #expect(Self.ids("network \(long) = 10.0.0.0/8\nrole r { host h = 10.0.0.1 }\n" + Self.both) == ["1:9 E-name-too-long"])
        #expect(Self.ids("role r { host \(long) = 10.0.0.1 }\n" + Self.both) == ["1:15 E-name-too-long"])
        #expect(Self.ids("service \(long) = tcp/1\nrole r { host h = 10.0.0.1 }\n" + Self.both) == ["1:9 E-name-too-long"])
    }
}
