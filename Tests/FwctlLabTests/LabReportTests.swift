import Foundation
import Testing
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import FwctlVerifier
@testable import FwctlLab

/// The lab's comparison without root: per-probe predictions set against the verifier's own
/// role matrix, and what one wrong observation does to the report.
@Suite struct LabReportTests {
    /// A report whose observations are exactly the predictions (what a faithful kernel gives).
    static func faithful(_ name: String) throws -> LabReport {
        let fleet = try Bundled.fleet(name)
        let plan = LabPlan(fleet: fleet)
        var rulesets: [String: Ruleset] = [:]
        for (host, ruleset) in Compiler(fleet: fleet).compileAll() { rulesets[host] = ruleset }
        let model = FleetModel(fleet: fleet, rulesets: rulesets)
        let results = plan.probes.map { probe in
            let p = LabPlan.predict(probe, model)
            return LabResult(probe: probe, observed: p, predicted: p)
        }
        return LabReport(plan: plan, results: results, verifier: Reachability.matrix(fleet: fleet, rulesets: rulesets), namespaces: [:])
    }

    @Test("per-packet predictions agree with the verifier's role matrix", arguments: Bundled.names)
    func predictionsMatchMatrix(_ name: String) throws {
        let report = try Self.faithful(name)
        #expect(report.results.contains { $0.predicted } && report.results.contains { !$0.predicted })
        #expect(report.matrixDisagreements.isEmpty, "\(report.matrixDisagreements.prefix(5))")
        #expect(report.agrees)
    }

    @Test("one probe opened against the prediction: a mismatch, a marked cell, exit-worthy", arguments: Bundled.names)
    func oneWrongObservation(_ name: String) throws {
        var report = try Self.faithful(name)
        // The first closed probe into a host on a port no service names.
        let i = try #require(report.results.firstIndex { r in
            !r.predicted && report.plan.ends.contains { $0.name == r.probe.destination && $0.kind == .host } && report.plan.services[r.probe.port] == nil
        })
        report.results[i].observed = true
        #expect(report.mismatches == [report.results[i]])
        #expect(!report.agrees)
        #expect(report.cells.contains { $0.port == report.results[i].probe.port.description && $0.observed > $0.predicted })
        #expect(report.text.contains("MISMATCH \(report.results[i].probe.source)"))
        #expect(report.text.contains("1 mismatches"))
    }
}
