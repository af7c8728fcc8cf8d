import Foundation
import Testing
import FwctlPolicy
import FwctlTestSupport
@testable import FwctlLab

/// The live lab on the kernel (root only): observed against predicted, a hand-broken host,
/// and nothing left behind.
@Suite(.serialized, .enabled(if: TestNamespace.isRoot, "needs root: creates network namespaces and loads nftables tables"))
struct LabKernelTests {
    /// The lab's namespaces still listed by `ip netns list`.
    static func leftovers() throws -> [String] {
        let (_, out, _) = try runProcess(["ip", "netns", "list"], stdin: nil)
        return out.split(separator: "\n").map(String.init).filter { $0.hasPrefix("fwctl-lab-\(getpid())-") }
    }

    /// The lab of bundled `policy` where, after the apply, `rule` is added by hand with nft on
    /// `host` (after `inspect` has seen the lab's network).
    static func run(_ policy: String, holeIn host: String, rule: String, inspect: @escaping (LabNetwork) -> Void = { _ in }) throws -> LabReport {
        var lab = Lab(fleet: try Bundled.fleet(policy))
        lab.afterApply = { network in
            inspect(network)
            let ns = try #require(network.namespaces[host])
            let (status, _, err) = try runProcess(["ip", "netns", "exec", ns, "nft", rule], stdin: nil)
            try #require(status == 0, "nft: \(err)")
        }
        return try lab.run()
    }

    @Test("observed equals predicted, probe for probe and cell for cell", arguments: Bundled.names)
    func matchesVerifier(_ name: String) throws {
        let report = try Lab(fleet: try Bundled.fleet(name)).run()
        #expect(!report.results.isEmpty)
        // Not vacuous: some probes get through and some do not.
        #expect(report.results.contains { $0.observed })
        #expect(report.results.contains { !$0.observed })
        #expect(report.mismatches.isEmpty, "\(report.mismatches.prefix(10))")
        #expect(report.matrixDisagreements.isEmpty, "\(report.matrixDisagreements.prefix(10))")
        for cell in report.cells { #expect(cell.observed == cell.predicted, "\(cell)") }
        #expect(try Self.leftovers().isEmpty)
    }

    @Test("the regression policies: observed equals predicted, loopback probes included", arguments: Regression.names)
    func regressionPolicies(_ name: String) throws {
        let report = try Lab(fleet: try Regression.fleet(name)).run()
        #expect(report.results.contains { $0.probe.isLoopback && $0.observed })
        #expect(report.results.contains { $0.observed } && report.results.contains { !$0.observed })
        #expect(report.mismatches.isEmpty, "\(report.mismatches.prefix(10))")
        #expect(report.matrixDisagreements.isEmpty, "\(report.matrixDisagreements.prefix(10))")
        #expect(try Self.leftovers().isEmpty)
    }

    @Test("an extra accept added with nft on one host shows up as observed-open, predicted-closed")
    func brokenHost() throws {
        let report = try Self.run("stacked.policy", holeIn: "s3", rule: "insert rule inet fwctl input tcp dport 9 accept")
        #expect(!report.mismatches.isEmpty)
        // Every mismatch is the hand-added hole: into s3, tcp/9, open though predicted closed.
        for m in report.mismatches {
            #expect(m.probe.destination == "s3" && m.probe.port.description == "tcp/9" && m.observed && !m.predicted, "\(m)")
        }
        #expect(report.cells.contains { $0.destination == "web" && $0.port == "tcp/9" && $0.observed > $0.predicted })
        #expect(try Self.leftovers().isEmpty)
    }

    @Test("a published container port is probed through the forward chain: a hole there shows, the input chain's ports do not move")
    func holeInTheForwardChain() throws {
        let report = try Self.run("containers.policy", holeIn: "web1", rule: "insert rule inet fwctl forward meta l4proto tcp accept") { network in
            #expect(network.containers["web1"] != nil)
        }
        #expect(report.results.contains { $0.probe.published && $0.observed })
        #expect(!report.mismatches.isEmpty)
        // Every mismatch is a published port of web1 opened by the hole: the DNAT sent it
        // past the input chain, so only the forward chain stood in its way.
        for m in report.mismatches {
            #expect(m.probe.destination == "web1" && m.probe.published && m.observed && !m.predicted, "\(m)")
        }
        #expect(report.mismatches.contains { $0.probe.source == "office" && $0.probe.port.description == "tcp/8080" })
        #expect(report.mismatches.contains { $0.probe.to.family == .v6 })
        #expect(try Self.leftovers().isEmpty)
    }

    @Test("a failing lab removes its namespaces too")
    func cleanupOnFailure() throws {
        var lab = Lab(fleet: try Bundled.fleet("stacked.policy"))
        lab.afterApply = { _ in throw LabError("injected") }
        #expect(throws: LabError.self) { try lab.run() }
        #expect(try Self.leftovers().isEmpty)
        #expect(LabRegistry.names.isEmpty)
    }
}
