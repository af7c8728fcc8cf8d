import Testing
import FwctlNet
@testable import FwctlPolicy

/// A host address no other machine's packet can reach — loopback (the kernel drops packets
/// for 127.0.0.0/8 or ::1 arriving on another interface), multicast, broadcast, unspecified,
/// reserved — makes `fwctl test` and `verify` admit flows the kernel never carries. `check`
/// refuses it, and the host-insertion fast path declines it, as for every other error.
@Suite struct UnicastHostTests {
    static let flow = "role c { host z = 10.0.0.3 }\nallow c -> a : tcp/22\n"

    @Test(arguments: [
        ("role a { host x = 127.0.0.2 }\n", ["1:19 E-host-not-unicast"]),
        ("role a { host x = ::1 }\n", ["1:19 E-host-not-unicast"]),
        ("role a { host x = 10.0.0.9, 127.0.0.1 }\n", ["1:29 E-host-not-unicast"]),
        ("role a { host x = 224.0.0.5 }\n", ["1:19 E-host-not-unicast"]),
        ("role a { host x = ff02::1 }\n", ["1:19 E-host-not-unicast"]),
        ("role a { host x = 255.255.255.255 }\n", ["1:19 E-host-not-unicast"]),
        ("role a { host x = 0.0.0.0 }\n", ["1:19 E-host-not-unicast"]),
        ("role a { host x = ::0 }\n", ["1:19 E-host-not-unicast"]),
        ("role a { host x = 240.0.0.1 }\n", ["1:19 E-host-not-unicast"]),
        // Unicast, link-local included; a whole family is the wide-host warning's case
        // (SoundnessTests), not this error.
        ("role a { host x = 169.254.1.1, fe80::1 }\n", []),
        ("role a { host x = 10.0.0.9, 2001:db8::9 }\n", []),
    ])
    func hostAddressesMustBeUnicast(text: String, expected: [String]) {
        let ids = Here.check(text + Self.flow).diagnostics.filter { $0.id != "W-host-no-inbound" }
            .map { "\($0.range.start.line):\($0.range.start.column) \($0.id)" }
        #expect(ids == expected)
    }

    @Test func theMessageSaysWhy() throws {
        let d = try #require(Here.check("role a { host x = 127.0.0.2 }\n" + Self.flow).diagnostics.first { $0.id == "E-host-not-unicast" })
        #expect(d.message == "host 'x' is given 127.0.0.2, a loopback address: no other machine's packet reaches it")
    }

    /// The fast path must not derive what check refuses.
    @Test(arguments: ["127.0.0.2", "::1", "224.0.0.5", "0.0.0.0"])
    func insertedHostsDeclineIt(_ address: String) throws {
        let a = try #require(IPAddress(address))
        var set = AddressSet()
        set.insert(AddressRange(a))
        #expect(!InsertedHosts.admissible([.init(name: "x", addresses: set)], files: []))
    }
}
