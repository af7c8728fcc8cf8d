import Foundation
import Testing

/// Replays through `fwctl test`: a deny of a host to itself (loopback admits it)
/// and expectations between ends that can never exchange a packet.
@Suite struct TestCommandLoopbackTests {
    static let policy = """
        role w { host w1 = 10.0.0.1, 2001:db8::1 }
        role v6only { host a = 2001:db8::a }
        role v4only { host b = 10.0.0.2 }
        deny w1 -> w1 : any
        allow v6only -> v4only : tcp/80
        allow * -> * : tcp/22
        test "replays" {
          expect deny w1 -> w1 : tcp/9999
          expect allow v6only -> v4only : tcp/80
          expect deny v6only -> v4only : tcp/80
        }
        """

    @Test func replaysFailOrSayVacuous() throws {
        let dir = try TestCommandTests.temporaryPolicy(Self.policy)
        defer { dir.remove() }
        let path = dir.file("p.policy").path
        let r = try CLI.run(["test", "--policy", path])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("FAIL \(path):8: expect deny w1 -> w1 : tcp/9999\n       admitted over loopback"), "\(r.stdout)")
        #expect(r.stdout.contains("FAIL \(path):9: expect allow v6only -> v4only : tcp/80\n       never carries a packet: no common address family"))
        #expect(r.stdout.contains("PASS \(path):10: expect deny v6only -> v4only : tcp/80\n       vacuous: no common address family"))
        #expect(r.stdout.hasSuffix("1 passed, 2 failed\n"))
        let check = try CLI.run(["check", "--strict", "--policy", path])
        #expect(check.status != 0)
        #expect(check.stderr.contains("[W-deny-self]") && check.stderr.contains("[W-flow-vacuous]"), "\(check.stderr)")
    }
}
