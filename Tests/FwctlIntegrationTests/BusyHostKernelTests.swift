import Foundation
import Testing
import FwctlTestSupport

/// A host where another table commits every few milliseconds (Docker, kube-proxy and
/// fail2ban do this): the generation id moves between fwctl's read and its commit, and fwctl
/// must send its plan again at the new generation when its own table was not touched.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct BusyHostKernelTests {
    typealias Host = ApplyKernelTests.Host

    /// `nft` committing to table `ip busy` in a loop inside the namespace until `stop()` (or
    /// two minutes at most).
    final class OtherCommitter {
        let process = Process()
        let stopFile: String

        init(_ h: Host) throws {
            stopFile = h.state + ".stop-busy"
            try h.ns.nft(["add", "table", "ip", "busy"])
            try h.ns.nft(["add", "set", "ip", "busy", "s", "{ type ipv4_addr; }"])
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
            process.arguments = ["netns", "exec", h.ns.name, "sh", "-c", """
                end=$(( $(date +%s) + 120 ))
                while [ ! -e '\(stopFile)' ] && [ $(date +%s) -lt $end ]; do
                  nft add element ip busy s '{ 10.0.0.1 }'; nft flush set ip busy s
                done
                """]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        func stop() {
            FileManager.default.createFile(atPath: stopFile, contents: nil)
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: stopFile)
        }
    }

    /// Runs `body` on a host with the bundled policy applied while another table commits in a
    /// loop, with the two policy versions the tests switch between and each version's table
    /// as nft lists it (blocks sorted, counters zeroed).
    static func onBusyHost(_ body: (Host, _ versions: [String], _ expected: [String]) throws -> Void) throws {
        let h = try Host()
        let versions = [ApplyKernelTests.path("scale-up.policy"), try SavedPlanKernelTests.edited()]
        defer { try? FileManager.default.removeItem(atPath: (versions[1] as NSString).deletingLastPathComponent) }
        let expected = try versions.map { ApplyKernelTests.blocksSorted(normaliseCounters(try ApplyKernelTests.compiled($0, host))) }
        #expect(try h.apply(versions[0], host).status == 0)
        let busy = try OtherCommitter(h)
        defer { busy.stop() }
        try body(h, versions, expected)
    }

    static let host = SavedPlanKernelTests.host

    @Test func appliesSucceedWhileAnotherTableCommitsInATightLoop() throws {
        try Self.onBusyHost { h, versions, expected in
            var failures: [String] = []
            var retried = 0
            for i in 1...20 {
                let v = i % 2
                let a = try h.apply(versions[v], Self.host, ["--no-confirm"])
                if a.status != 0 { failures.append(a.stderr) }
                if a.stderr.contains("sending the same plan again") { retried += 1 }
                let now = try h.listedContent()
                #expect(now == expected[0] || now == expected[1], "apply \(i): a mixed table")
                if a.status == 0 { #expect(now == expected[v], "apply \(i) succeeded but the table is not the policy's") }
            }
            #expect(failures.count <= 1, "\(failures.count) of 20 applies failed: \(failures)")
            #expect(retried > 0, "no apply met a commit of the other table: the test tested nothing")
        }
    }

    /// The provisional apply and the watchdog's rollback on the same busy host: the rollback
    /// restores exactly the table the apply replaced, though the generation kept moving.
    @Test func provisionalApplyAndRollbackWhileAnotherTableCommits() throws {
        try Self.onBusyHost { h, versions, expected in
            let kept = try h.apply(versions[1], Self.host, ["--confirm", "60"])
            #expect(kept.status == 0, "\(kept.stderr)")
            #expect(try h.fwctl(["confirm", "--state-dir", h.state]).status == 0)
            #expect(try h.listedContent() == expected[1])

            let provisional = try h.apply(versions[0], Self.host, ["--confirm", "1"])
            #expect(provisional.status == 0, "\(provisional.stderr)")
            #expect(try h.listedContent() == expected[0])
            // The watchdog rolls back after 1 s; give it up to 10.
            for _ in 0..<100 where try h.listedContent() != expected[1] { usleep(100_000) }
            #expect(try h.listedContent() == expected[1], "not rolled back to the confirmed table")
        }
    }
}
