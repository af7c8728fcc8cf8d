import Foundation
import FwctlCompiler
import FwctlPolicy
import FwctlRuleset
import Testing
@testable import FwctlDesired

/// The cached / derived / compiled decision of plan and apply, on a temporary state directory
/// and policy files: no kernel, no root. Every table it gives is checked against compiling the
/// policy from scratch.
@Suite(.serialized) final class DesiredTableTests {
    static let today = CalendarDate(year: 2026, month: 12, day: 6)
    static let policy = """
        role target { host t = 192.0.2.1 }
        role web {
          host w1 = 10.64.0.1
          host w2 = 10.64.0.2
        }
        allow web -> target : tcp/443

        """

    let dir: String
    var frontEndRuns = 0

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-desired-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/policy", withIntermediateDirectories: true)
        try write(Self.policy)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func write(_ text: String) throws {
        try text.write(toFile: dir + "/policy/main.policy", atomically: true, encoding: .utf8)
    }

    struct Rejected: Error {}

    func load(host: String? = "t", hostname: String = "elsewhere", refresh: Bool = false, today: CalendarDate = today) throws -> DesiredTable {
        let request = DesiredTable.Request(policyPath: dir + "/policy", host: host, hostname: hostname, stateDirectory: dir + "/state",
                                           refresh: refresh, today: today, version: "test")
        defer { DesiredTable.finishCacheWrite() }
        return try DesiredTable.load(request) { source in
            frontEndRuns += 1
            let result: CheckResult
            switch source {
            case .files(let files, let today):
                result = PolicyFrontEnd.check(files: try files.map { try PolicyFrontEnd.sourceFile(path: $0.path, bytes: $0.bytes) },
                                              today: today, warnings: false)
            case .path(let path): result = try PolicyFrontEnd.load(path: path, today: Self.today, warnings: false)
            }
            guard let fleet = result.fleet, !result.hasErrors else { throw Rejected() }
            return fleet
        }
    }

    /// The oracle: the policy as it is now, compiled from scratch for `host`.
    func compiled(_ host: String = "t") throws -> Table {
        let result = try PolicyFrontEnd.load(path: dir + "/policy", today: Self.today, warnings: false)
        return try Compiler(fleet: try #require(result.fleet)).compile(host: host).tables[0]
    }

    @Test func anUnchangedPolicyIsNotCompiledAgain() throws {
        let first = try load()
        let oracle = try compiled()
        #expect(first.origin == .compiled && first.table == oracle && frontEndRuns == 1)
        #expect(first.files?.map(\.path) == [dir + "/policy/main.policy"])
        let second = try load()
        #expect(second.origin == .cached && second.table == first.table && frontEndRuns == 1)
    }

    /// The compiled table's cache entry holds every host address of the fleet (worked out
    /// with the save, off the critical path): the next derivation checks an inserted host's
    /// address against them.
    @Test func theCacheHoldsTheFleetsHostAddresses() throws {
        _ = try load()
        let bytes = try #require(FileManager.default.contents(atPath: dir + "/state/compiled-table.cache"))
        let entry = try #require(TableSnapshot.decode(Array(bytes)))
        let fleet = try #require(try PolicyFrontEnd.load(path: dir + "/policy", today: Self.today, warnings: false).fleet)
        #expect(entry.hostAddresses == Compiler.hostAddresses(of: fleet))
        #expect(entry.hostAddresses?.contains(.v4(0x0A40_0002)) == true)   // 10.64.0.2, w2
    }

    @Test func refreshTrustsNoCache() throws {
        _ = try load()
        let again = try load(refresh: true)
        #expect(again.origin == .compiled && frontEndRuns == 2)
    }

    @Test func aHostJoiningARoleIsDerivedFromTheCachedTable() throws {
        _ = try load()
        try write(Self.policy.replacingOccurrences(of: "  host w2 = 10.64.0.2\n", with: "  host w2 = 10.64.0.2\n  host w3 = 10.64.0.3\n"))
        let derived = try load()
        #expect(derived.origin == .derived && frontEndRuns == 1)
        #expect(derived.table == (try compiled()))
        // The derived table is what the cache holds next.
        #expect(try load().origin == .cached)
    }

    @Test func anyOtherEditIsCompiled() throws {
        _ = try load()
        try write(Self.policy.replacingOccurrences(of: "tcp/443", with: "tcp/8443"))
        let next = try load()
        let oracle = try compiled()
        #expect(next.origin == .compiled && frontEndRuns == 2 && next.table == oracle)
    }

    /// The host, the day and which host "this machine" is are part of what was compiled.
    @Test func anotherHostOrDayIsCompiled() throws {
        _ = try load()
        #expect(try load(host: "w1").origin == .compiled)
        #expect(try load(host: "w1").table == (try compiled("w1")))
        #expect(try load(today: CalendarDate(year: 2026, month: 12, day: 7)).origin == .compiled)
        #expect(try load(host: nil, hostname: "t").origin == .compiled)
        #expect(try load(host: nil, hostname: "w1").table == (try compiled("w1")))
    }

    @Test func anUnknownHostIsNamedWithTheKnownOnes() throws {
        #expect(throws: UnknownHost(name: "w9", isHostname: false, known: ["t", "w1", "w2"])) { try self.load(host: "w9") }
        let error = try #require(throws: UnknownHost.self) { try self.load(host: nil, hostname: "W1") }
        #expect(error.description.contains("this machine's hostname") && error.description.contains("Did you mean 'w1'?"))
    }

    @Test func aPolicyWithErrorsIsRejectedAndNotCached() throws {
        try write(Self.policy + "allow nosuch -> target : tcp/22\n")
        #expect(throws: Rejected.self) { try self.load() }
        try write(Self.policy)
        #expect(try load().origin == .compiled)
    }

    /// A missing policy goes to the front end by its path, which says what is wrong.
    @Test func aMissingPolicyIsReadByThePath() throws {
        try FileManager.default.removeItem(atPath: dir + "/policy/main.policy")
        #expect(throws: PolicyLoadError.self) { try self.load() }
        #expect(frontEndRuns == 1)
    }
}
