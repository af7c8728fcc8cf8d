import Foundation
import Testing
import FwctlRuleset
import FwctlTestSupport

/// Everything in fwctl's table that fwctl does not model is drift: each edit below, made by
/// hand with nft in the host's namespace, is a change in the plan, `status` and
/// `verify --live` report it (exit 2), `apply` reverts it, and the plan is empty afterwards.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: applies rulesets in network namespaces"), .serialized)
struct DriftKernelTests {
    typealias Host = ApplyKernelTests.Host
    static let policy = ApplyKernelTests.path("scale-up.policy")
    static let host = "web-01"

    /// An nft command (run as `nft -f -`) and the plan line it must produce.
    struct Edit: CustomTestStringConvertible, Sendable {
        var nft: String
        var planLine: String
        var testDescription: String { nft }
    }

    static let edits: [Edit] = [
        Edit(nft: "add table inet fwctl { flags dormant; }", planLine: "~ table inet fwctl: flags dormant -> (none)"),
        Edit(nft: "add counter inet fwctl c1", planLine: "- counter c1"),
        Edit(nft: "add quota inet fwctl q1 { 25 mbytes }", planLine: "- quota q1"),
        Edit(nft: "add limit inet fwctl l1 { rate 400/minute }", planLine: "- limit l1"),
        Edit(nft: "add ct helper inet fwctl h1 { type \"ftp\" protocol tcp; }", planLine: "- ct helper h1"),
        Edit(nft: "add map inet fwctl m1 { type ipv4_addr : verdict; }", planLine: "- map m1"),
        Edit(nft: "add set inet fwctl s1 { type ether_addr; }", planLine: "- set s1"),
        Edit(nft: "add chain inet fwctl mychain", planLine: "- chain mychain"),
        // Objects in use: by a rule of fwctl's chain, and a verdict map jumping to a foreign chain.
        Edit(nft: "add chain inet fwctl mychain\nadd map inet fwctl vm { type ipv4_addr : verdict; elements = { 192.0.2.99 : jump mychain } }\n"
                + "add counter inet fwctl c2\nadd rule inet fwctl input ip saddr vmap @vm\nadd rule inet fwctl input counter name c2",
             planLine: "- map vm"),
        Edit(nft: "delete element inet fwctl role_lb_v4 { 192.0.2.10 }\nadd element inet fwctl role_lb_v4 { 192.0.2.10 comment \"x\" }",
             planLine: "-/+ set role_lb_v4: recreated without element comments"),
        // Anonymous chains bound to their rule (NFT_CHAIN_BINDING): the kernel deletes them
        // with the rule and refuses to delete them, or their rules, on their own.
        Edit(nft: "add rule inet fwctl input jump { ip saddr 192.0.2.99 accept\n}",
             planLine: "jump { ip saddr 192.0.2.99 accept }"),
        Edit(nft: "add chain inet fwctl mychain\nadd rule inet fwctl mychain jump { tcp dport 22 accept\n}\nadd rule inet fwctl input jump mychain",
             planLine: ": jump { tcp dport 22 accept }"),
    ]

    /// A role set's header as someone else may load it (`nft -f` of an edited `fwctl compile`).
    static let setEdits: [Edit] = [
        Edit(nft: "flags constant,interval", planLine: "recreated without flags constant"),
        Edit(nft: "flags interval\n\t\tsize 2", planLine: "recreated without size 2"),
        Edit(nft: "flags interval\n\t\tpolicy memory", planLine: "recreated without policy memory"),
        Edit(nft: "flags interval\n\t\tcounter", planLine: "recreated without counter, element expressions"),
        Edit(nft: "flags interval\n\t\tauto-merge", planLine: "recreated without auto-merge"),
    ]

    @Test(arguments: edits)
    func editOutsideTheModelIsPlannedReportedAndReverted(_ edit: Edit) throws {
        let h = try Host()
        try #require(try h.apply(Self.policy, Self.host, ["--no-confirm"]).status == 0)
        try h.ns.nft(["-f", "-"], stdin: edit.nft + "\n")
        try Self.expectDriftRevertedByApply(h, planLine: edit.planLine)
    }

    @Test(arguments: setEdits)
    func setAttributesOutsideTheModelAreRecreated(_ edit: Edit) throws {
        let h = try Host()
        try #require(try h.apply(Self.policy, Self.host, ["--no-confirm"]).status == 0)
        let compiled = try ApplyKernelTests.compiled(Self.policy, Self.host)
        let header = "flags interval\n\t\tcomment \"role lb\""
        try #require(compiled.contains(header))
        let edited = compiled.replacingOccurrences(of: header, with: edit.nft + "\n\t\tcomment \"role lb\"")
        try h.ns.nft(["-f", "-"], stdin: "delete table inet fwctl\n" + edited)
        try Self.expectDriftRevertedByApply(h, planLine: "-/+ set role_lb_v4: " + edit.planLine)
    }

    /// With `flags constant` (or a full `size`) on a role set, the kernel refuses new elements
    /// (EBUSY, ENFILE) on every apply, --refresh included: the set is re-created with its new
    /// elements in the same batch instead.
    @Test(arguments: ["flags constant,interval", "flags interval\n\t\tsize 2"])
    func roleSetThatCannotGrowInPlaceIsRecreatedWithTheNewHost(_ header: String) throws {
        let h = try Host()
        try #require(try h.apply(Self.policy, Self.host, ["--no-confirm"]).status == 0)
        let compiled = try ApplyKernelTests.compiled(Self.policy, Self.host)
        let edited = compiled.replacingOccurrences(of: "flags interval\n\t\tcomment \"role lb\"", with: header + "\n\t\tcomment \"role lb\"")
        try h.ns.nft(["-f", "-"], stdin: "delete table inet fwctl\n" + edited)
        let grown = try ApplyKernelTests.editedScaleUp {
            $0.replacingOccurrences(of: "  host lb-02 = 192.0.2.11, 2001:db8::11\n", with: "  host lb-02 = 192.0.2.11, 2001:db8::11\n  host lb-03 = 192.0.2.12\n")
        }
        defer { try? FileManager.default.removeItem(atPath: (grown as NSString).deletingLastPathComponent) }
        let a = try h.apply(grown, Self.host, ["--no-confirm"])
        #expect(a.status == 0 && a.stdout.contains("-/+ set role_lb_v4: recreated without"), "\(a.stdout)\(a.stderr)")
        #expect(try h.plan(grown, Self.host, ["--detailed-exitcode", "--refresh"]).status == 0)
        #expect(try h.ns.nft(["list", "set", "inet", "fwctl", "role_lb_v4"]).contains("192.0.2.12"))
    }

    /// `typeof` instead of `type`: same key, but nft's typeof udata on the set.
    @Test func typeofSetIsRecreated() throws {
        let h = try Host()
        try #require(try h.apply(Self.policy, Self.host, ["--no-confirm"]).status == 0)
        let compiled = try ApplyKernelTests.compiled(Self.policy, Self.host)
        let header = "type ipv4_addr\n\t\tflags interval\n\t\tcomment \"role lb\""
        try #require(compiled.contains(header))
        let edited = compiled.replacingOccurrences(of: header, with: "typeof ip saddr\n\t\tflags interval\n\t\tcomment \"role lb\"")
        try h.ns.nft(["-f", "-"], stdin: "delete table inet fwctl\n" + edited)
        try Self.expectDriftRevertedByApply(h, planLine: "-/+ set role_lb_v4: recreated without typeof")
    }

    /// plan shows `planLine` (exit 2), so do `status` and `verify --live`; apply reverts it,
    /// then the plan is empty and the table is the compiled one.
    static func expectDriftRevertedByApply(_ h: Host, planLine: String) throws {
        let p = try h.plan(policy, host, ["--detailed-exitcode"])
        #expect(p.status == 2 && p.stdout.contains(planLine), "\(p.stdout)\(p.stderr)")
        let refreshed = try h.plan(policy, host, ["--detailed-exitcode", "--refresh"])
        #expect(refreshed.status == 2 && refreshed.stdout.contains(planLine), "\(refreshed.stdout)\(refreshed.stderr)")
        let s = try h.fwctl(["status", "--policy", policy, "--host", host, "--state-dir", h.state])
        #expect(s.status == 2, "status: \(s.stdout)\(s.stderr)")
        let v = try h.fwctl(["verify", "--live", "--policy", policy, "--host", host])
        #expect(v.status == 2 && v.stderr.contains("drift"), "verify --live: \(v.stdout)\(v.stderr)")
        let a = try h.apply(policy, host, ["--no-confirm"])
        #expect(a.status == 0, "apply: \(a.stdout)\(a.stderr)")
        let after = try h.plan(policy, host, ["--detailed-exitcode", "--refresh"])
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
        #expect(try h.listedContent() == ApplyKernelTests.blocksSorted(normaliseCounters(try ApplyKernelTests.compiled(policy, host))))
        let v2 = try h.fwctl(["verify", "--live", "--policy", policy, "--host", host])
        #expect(!v2.stderr.contains("drift"), "verify --live after apply: \(v2.stderr)")
    }
}
