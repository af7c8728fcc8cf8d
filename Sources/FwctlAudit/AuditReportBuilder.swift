import Foundation
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import FwctlSystem
import FwctlVerifier

/// Builds the audit report of a checked policy: compiles every host, verifies the selected
/// ones, runs the policy's tests and the reachability matrix over all of them.
///
/// Deterministic: the clock (`now`), the git state and the live state come in as parameters,
/// so the same policy and parameters give the same report byte for byte (golden files).
public struct AuditReportBuilder: Sendable {
    public let fleet: Fleet
    public let files: [SourceFile]

    /// `files` are the policy's source files, as the front end read them (`CheckResult.files`).
    public init(fleet: Fleet, files: [SourceFile]) {
        self.fleet = fleet
        self.files = files
    }

    /// The report on `hosts` (nil: every host, policy order). `live` and `lastApply` are by
    /// host name; a host missing from `live` is reported `not-checked` with `liveReason`.
    public func build(hosts: [String]? = nil, now: Date, git: AuditReport.Git? = nil,
                      live: [String: AuditReport.Live] = [:], liveReason: String = AuditLive.notRequested,
                      lastApply: [String: AuditReport.LastApply] = [:]) -> AuditReport {
        let names = hosts ?? fleet.hosts.map(\.name)
        // The matrix and the tests need every host's ruleset, not only the reported ones.
        let rulesets = Dictionary(Compiler(fleet: fleet).compileAll().map { ($0.host, $0.ruleset) }, uniquingKeysWith: { a, _ in a })
        let model = FleetModel(fleet: fleet, rulesets: rulesets)
        let verified = PolicyVerifier.verify(fleet: fleet, hosts: names, rulesets: rulesets)
        let today = Self.calendarDate(now)
        let flows = AuditFlows(fleet: fleet, today: today)

        let hostReports = zip(names, verified).map { name, result in
            let host = fleet.host(named: name)
            return AuditReport.HostReport(
                name: name, roles: host?.roles ?? [],
                addressesV4: host?.addresses.ranges(.v4).map(\.description) ?? [],
                addressesV6: host?.addresses.ranges(.v6).map(\.description) ?? [],
                rulesetSHA256: SHA256.hex(NftText.utf8(rulesets[name] ?? Ruleset())),
                flows: flows.entries(for: name),
                verification: Self.verification(result),
                live: live[name] ?? AuditReport.Live(state: .notChecked, reason: liveReason),
                lastApply: lastApply[name])
        }
        let matrix = Reachability.matrix(model, fleet: fleet).entries.map {
            AuditReport.MatrixCell(source: $0.source, destination: $0.destination, service: $0.service,
                                   admits: $0.admits, partial: $0.coverage == .partial)
        }
        return AuditReport(
            generatedAt: Self.timestamp(now), reviewDate: today.description, policy: policyInfo(git: git),
            roles: fleet.roles.map { AuditReport.RoleInfo(name: $0.name, hosts: $0.hosts) },
            networks: fleet.networks.map { AuditReport.NetworkInfo(name: $0.name, addresses: AuditFlows.addressList($0.addresses)) },
            hosts: hostReports,
            tests: Self.tests(PolicyTestRunner(fleet: fleet, model: model).run()),
            matrix: matrix, diagram: flows.diagramEdges())
    }

    /// Per-file SHA-256 and the policy's (`PolicyFingerprint`: the same the apply log records).
    func policyInfo(git: AuditReport.Git?) -> AuditReport.PolicyInfo {
        let hashes = PolicyFingerprint.compute(files.map { ($0.path, Array($0.text.utf8)) })
        let entries = zip(files, hashes.files).map { AuditReport.PolicyInfo.File(path: $0.path, sha256: $1) }
        return AuditReport.PolicyInfo(files: entries, sha256: hashes.policy, git: git)
    }

    static func verification(_ r: HostVerification) -> AuditReport.Verification {
        AuditReport.Verification(
            clean: r.isClean, discrepancies: r.discrepancies.count, problems: r.problems.count, anomalies: r.anomalies.count,
            details: r.discrepancies.map(\.description) + r.problems.map { "\($0.direction.rawValue) \($0.kind.rawValue): \($0.message)" })
    }

    static func tests(_ report: PolicyTestReport) -> AuditReport.TestResults {
        let cases = report.tests.flatMap { t in
            t.expectations.map { e in
                AuditReport.TestCase(
                    test: t.name, expectation: e.expectation.text, location: e.expectation.range.fileLine, passed: e.passed,
                    failure: e.failure.map { f in ([f.reason + ": " + f.packet.description] + f.ends.map(\.description)).joined(separator: "; ") }
                        ?? (e.passed ? nil : e.vacuityText))
            }
        }
        return AuditReport.TestResults(passed: report.passed, failed: report.failed, results: cases)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public static func timestamp(_ date: Date) -> String {
        UTCTime(truncatingToSecond: date.timeIntervalSince1970).timestamp
    }

    /// The UTC day of `date`.
    public static func calendarDate(_ date: Date) -> CalendarDate {
        CalendarDate(UTCTime(truncatingToSecond: date.timeIntervalSince1970))
    }
}
