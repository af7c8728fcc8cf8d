import Testing
import FwctlPolicy

/// Port numbers that are not numbers: the message names the text as written, and the caret
/// is under the port, not the protocol.
@Suite struct PortLiteralTests {
    @Test(arguments: [
        ("tcp/-1", "'-1' is not a port number (1-65535)", 17, 19),
        ("tcp/+80", "'+80' is not a port number (1-65535)", 17, 20),
        ("udp/80-", "'80-' is not a port number (1-65535)", 17, 20),
        ("tcp/1--2", "'1--2' is not a port number (1-65535)", 17, 21),
        ("tcp/", "'' is not a port number (1-65535)", 17, 17),
        ("tcp/80-9x", "'9x' is not a port number (1-65535)", 20, 22),
        ("tcp/8o", "'8o' is not a port number (1-65535)", 17, 19),
    ])
    func notAPortNumber(service: String, message: String, column: Int, end: Int) throws {
        let r = Here.check("service s = \(service)\n")
        let d = try #require(r.diagnostics.first { $0.id == "E-bad-port" }, "\(r.diagnostics)")
        #expect(d.message == message)
        #expect(d.range.start.column == column && d.range.end.column == end, "\(d.range.start.column)-\(d.range.end.column)")
    }

    @Test func goodPortsStillParse() {
        #expect(Here.check("service s = tcp/1-65535\nservice t = udp/53\n").errorCount == 0)
    }
}
