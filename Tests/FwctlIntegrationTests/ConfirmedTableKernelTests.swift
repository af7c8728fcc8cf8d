import Foundation
import Testing
import FwctlApply
import FwctlKernel
import FwctlRuleset
import FwctlTestSupport

/// The table an apply keeps for `fwctl restore` (`confirmed-table.snap`) with the real kernel:
/// exactly what the apply's batch made, for every kind of change a plan makes, and nothing
/// anyone else did to the table after the commit.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct ConfirmedTableKernelTests {
    typealias Host = ApplyKernelTests.Host

    /// The kept table, and the kernel's table read now, both without kernel state and with
    /// each set's elements in one order (a set's order does not survive a reload anyway).
    static func keptAndLoaded(_ h: Host) throws -> (kept: Table?, loaded: Table?) {
        guard case .found(let kept) = ConfirmedTable.load(stateDirectory: h.state) else { return (nil, nil) }
        let kernel = try NetlinkBackend(netnsPath: h.netnsPath)
        let loaded = try kernel.read(table: kept.table.ref).table
        return (normalised(kept.table), loaded.map(normalised))
    }

    static func normalised(_ table: Table) -> Table {
        var t = table
        t.handle = nil
        for i in t.sets.indices {
            t.sets[i].handle = nil
            t.sets[i].elements.sort { "\($0)" < "\($1)" }
        }
        for i in t.chains.indices {
            t.chains[i].handle = nil
            for j in t.chains[i].rules.indices {
                t.chains[i].rules[j].handle = nil
                t.chains[i].rules[j].expressions = t.chains[i].rules[j].expressions.map {
                    if case .counter = $0 { .counter(packets: 0, bytes: 0) } else { $0 }
                }
            }
        }
        return t
    }

    /// After each apply the kept table is the one the kernel lists, and `fwctl restore` in an
    /// empty namespace lists the same text: a first load, rules inserted between others, a
    /// host added through the derived fast path, drift reverted (table flags, an object, a
    /// set re-created without its extra attributes, a rule and an element added by hand),
    /// and a role removed (its sets and rules deleted).
    @Test func keptTableIsWhatEachApplyLoaded() throws {
        let h = try Host()
        let edited = try ApplyKernelTests.editedScaleUp { $0 }
        defer { try? FileManager.default.removeItem(atPath: (edited as NSString).deletingLastPathComponent) }
        let original = try String(contentsOfFile: edited, encoding: .utf8)
        func check(_ step: String) throws {
            let (kept, loaded) = try Self.keptAndLoaded(h)
            #expect(kept != nil && kept == loaded, "\(step): the kept table is not the loaded one")
            let restored = try RestoreKernelTests.restoredElsewhere(h)
            #expect(restored.status == 0, "\(step): \(restored.stderr)")
            #expect(restored.listing == (try h.listed()), "\(step): restore does not list what was applied")
        }
        func apply(_ text: String, _ extra: [String] = []) throws {
            try text.write(toFile: edited, atomically: false, encoding: .utf8)
            let r = try h.apply(edited, "web-01", ["--no-confirm"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
        }

        try apply(original)
        try check("first load")
        let flow = original + "\nallow ops-vpn -> web : app-tls\nallow monitor -> web : http\n"
        try apply(flow)
        try check("rules inserted")
        let anchor = "  host lb-02 = 192.0.2.11, 2001:db8::11\n"
        let grown = flow.replacingOccurrences(of: anchor, with: anchor + "  host lb-03 = 192.0.2.12, 2001:db8::12\n")
        try apply(grown)
        try check("host added")

        try h.ns.nft(["-f", "-"], stdin: """
            add table inet fwctl { flags dormant; }
            add counter inet fwctl c1
            delete element inet fwctl role_lb_v4 { 192.0.2.10 }
            add element inet fwctl role_lb_v4 { 192.0.2.10 comment "x" }
            add element inet fwctl role_monitor_v4 { 10.99.99.99 }
            add rule inet fwctl input tcp dport 4444 accept

            """)
        try apply(grown)
        try check("drift reverted")
        try h.ns.nft(["add", "rule", "inet", "fwctl", "input", "jump", "{ ip saddr 192.0.2.99 accept\n}"])
        try apply(grown, ["--refresh"])
        try check("drift reverted, --refresh")

        try apply(original.replacingOccurrences(of: "allow monitor  -> *       : node-exporter {", with: "allow monitor  -> lb      : node-exporter {"))
        try check("rules and sets removed")
    }

    /// What someone else does to the table right after the commit (fwctl paused between the
    /// commit and its log entry) is not kept: restore brings back what the apply loaded,
    /// never an edit nobody applied or confirmed.
    @Test func editRightAfterTheCommitIsNotKept() throws {
        let h = try Host()
        let marker = h.state + ".paused"
        defer { unlink(marker) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        p.arguments = ["netns", "exec", h.ns.name, "env", "FWCTL_TEST_PAUSE_AFTER_COMMIT=\(marker)", CLI.binary.path, "apply",
                       "--policy", ApplyKernelTests.path("scale-up.policy"), "--host", "web-01", "--state-dir", h.state,
                       "--yes", "--no-confirm"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        var paused = false
        for _ in 0..<300 where !paused {   // 30 s at most
            usleep(100_000)
            paused = access(marker, F_OK) == 0
        }
        try #require(paused, "the apply never paused after its commit")
        let applied = try h.listed()
        try h.ns.nft(["-f", "-"], stdin: "add element inet fwctl role_lb_v4 { 10.99.99.99 }\nadd rule inet fwctl input tcp dport 4444 accept\n")
        unlink(marker)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let restored = try RestoreKernelTests.restoredElsewhere(h)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.listing == applied, "restore brought back an edit made after the commit")
    }
}
