import Dispatch
import Foundation
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import FwctlSystem
import FwctlVerifier
import Synchronization

/// The audit report in schema `fwctl-audit/2` (docs/AUDIT.md), written host by host.
///
/// Schema 1 lists every peer host (and its addresses) in every flow of every host, which grows
/// with the square of the fleet. Here peers are named and resolved through `roles[]` and
/// `hosts[]`, and what alike hosts share (flows, verification, table hash) is one entry of
/// `classes[]` each host points to: the fleet-level part is worked out per class, then each
/// host's few lines are written as they are made, never all of them held at once.
public struct AuditExport: Sendable {
    public static let schemaVersion = "fwctl-audit/2"

    public let header: AuditHeader
    /// The reported hosts, in order, with their classes.
    let hosts: [(name: String, spec: FwctlPolicy.Host?, classID: Int)]
    let live: [String: AuditReport.Live]
    let liveReason: String
    let lastApply: [String: AuditReport.LastApply]

    /// The report on `hosts` (nil: every host, policy order); the parameters are
    /// `AuditReportBuilder.build`'s, so both schemas report the same facts.
    public init(fleet: Fleet, files: [SourceFile], hosts selected: [String]? = nil, now: Date, git: AuditReport.Git? = nil,
                live: [String: AuditReport.Live] = [:], liveReason: String = AuditLive.notRequested,
                lastApply: [String: AuditReport.LastApply] = [:]) {
        let position = Dictionary(fleet.hosts.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let names = selected ?? fleet.hosts.map(\.name)
        let compiled = Compiler(fleet: fleet).compileClasses()
        var rulesets: [String: Ruleset] = [:]
        rulesets.reserveCapacity(fleet.hosts.count)
        for (i, h) in fleet.hosts.enumerated() { rulesets[h.name] = compiled.rulesets[compiled.of[i]] }
        // The matrix and the tests need every host's ruleset, not only the reported ones.
        let model = FleetModel(fleet: fleet, rulesets: rulesets)
        let tableClass = names.map { position[$0].map { compiled.of[$0] } ?? -1 }
        let verified = PolicyVerifier.verifyClasses(fleet: fleet, hosts: names, rulesets: rulesets, rulesetClasses: tableClass)
        let builder = AuditReportBuilder(fleet: fleet, files: files)
        let today = AuditReportBuilder.calendarDate(now)
        let flows = AuditFlows(fleet: fleet, today: today)

        var classOf: [[Int]: Int] = [:], classes: [AuditClass] = [], reported: [(String, FwctlPolicy.Host?, Int)] = [], firsts: [Int] = []
        reported.reserveCapacity(names.count)
        for (i, name) in names.enumerated() {
            let spec = position[name].map { fleet.hosts[$0] }
            let key = [tableClass[i], verified.of[i]]
            if let c = classOf[key] {
                classes[c].hosts += 1
                reported.append((name, spec, c))
                continue
            }
            let result = verified.results[verified.of[i]]
            classOf[key] = classes.count
            reported.append((name, spec, classes.count))
            firsts.append(i)
            classes.append(AuditClass(
                id: classes.count, rulesetSHA256: "",
                flows: spec.map(flows.entries(of:)) ?? [], verification: AuditReportBuilder.verification(result),
                exampleHost: result.host, hosts: 1))
        }
        // Each class's table text hashed on all cores (the text of 100 tables of a
        // 100,000-host fleet is most of the export's single-threaded work).
        let hashes = Mutex([String](repeating: "", count: classes.count))
        let (leaders, tables) = (firsts, rulesets)
        DispatchQueue.concurrentPerform(iterations: classes.count) { c in
            let hash = SHA256.hex(NftText.utf8(tables[names[leaders[c]]] ?? Ruleset()))
            hashes.withLock { $0[c] = hash }
        }
        for (c, hash) in hashes.withLock({ $0 }).enumerated() { classes[c].rulesetSHA256 = hash }
        header = AuditHeader(
            generatedAt: AuditReportBuilder.timestamp(now), reviewDate: today.description, policy: builder.policyInfo(git: git),
            roles: fleet.roles.map { AuditReport.RoleInfo(name: $0.name, hosts: $0.hosts) },
            networks: fleet.networks.map { AuditReport.NetworkInfo(name: $0.name, addresses: AuditFlows.addressList($0.addresses)) },
            classes: classes, tests: AuditReportBuilder.tests(fleet.tests.isEmpty ? .none : PolicyTestRunner(fleet: fleet, model: model).run()),
            matrix: Reachability.matrix(model, fleet: fleet).entries.map {
                AuditReport.MatrixCell(source: $0.source, destination: $0.destination, service: $0.service,
                                       admits: $0.admits, partial: $0.coverage == .partial)
            },
            diagram: flows.diagramEdges())
        hosts = reported.map { (name: $0.0, spec: $0.1, classID: $0.2) }
        self.live = live
        self.liveReason = liveReason
        self.lastApply = lastApply
    }

    /// The JSON text, in pieces: the fleet-level part up to `hosts`, the hosts a batch at a
    /// time, then the rest. The pieces joined are `FwctlJSON.text(AuditJSON2.value(self))`
    /// (the test of the streaming holds them to it).
    public func write(_ out: (String) throws -> Void) rethrows {
        // The fleet-level part with a placeholder where the hosts go, split there.
        guard case .object(let fields) = AuditJSON2.fleetValue(header) else { return }
        let placeholder = JSONValue.quote("\u{1}hosts")
        let top = FwctlJSON.text(.object(fields + [("hosts", .string("\u{1}hosts"))])).components(separatedBy: placeholder)
        let (before, after) = (top[0], top[1])
        guard !hosts.isEmpty else { return try out(before + "[]" + after) }
        try out(before + "[\n")
        // Hosts go out a few hundred at a time: one write per host would be 100,000 writes.
        var batch = ""
        var lives: [AuditReport.Live: String] = [:]
        for (i, h) in hosts.enumerated() {
            let entry = report(h)
            let live = lives[entry.live] ?? AuditJSON.live(entry.live).sortedKeys.pretty(indent: 3)
            lives[entry.live] = live
            batch += "    " + AuditJSON2.hostText(entry, live: live, lastApply: AuditJSON.lastApply(entry.lastApply).sortedKeys.pretty(indent: 3))
                + (i + 1 < hosts.count ? ",\n" : "\n")
            if batch.utf8.count >= 1 << 18 {
                try out(batch)
                batch = ""
            }
        }
        try out(batch + "  ]" + after)
    }

    /// Every host's entry at once (for tests and small fleets).
    public var hostReports: [AuditJSON2.HostEntry] { hosts.map(report) }

    func report(_ h: (name: String, spec: FwctlPolicy.Host?, classID: Int)) -> AuditJSON2.HostEntry {
        AuditJSON2.HostEntry(
            name: h.name, roles: h.spec?.roles ?? [],
            addressesV4: h.spec?.addresses.ranges(.v4).map(\.description) ?? [],
            addressesV6: h.spec?.addresses.ranges(.v6).map(\.description) ?? [],
            classID: h.classID,
            live: live[h.name] ?? AuditReport.Live(state: .notChecked, reason: liveReason),
            lastApply: lastApply[h.name])
    }
}
