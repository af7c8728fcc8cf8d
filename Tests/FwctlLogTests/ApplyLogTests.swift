import Foundation
import FwctlSystem
import FwctlTestSupport
import FwctlPlanner
import FwctlRuleset
import Testing
@testable import FwctlLog

/// The apply log without a kernel: appends, the hash chain, each kind of tampering found
/// where it was done, and writes that fail leaving the log as it was.
@Suite struct ApplyLogTests {
    /// A fresh directory, removed by `cleanUp`.
    static func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-log-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static let plan = Plan(table: TableRef(name: "fwctl"), generation: 7, changes: [
        .createTable(TableRef(name: "fwctl")),
        .addChain(Chain(name: "input", hook: BaseChainHook(hook: .input, policy: .drop))),
    ])

    /// A log of five entries (apply started/applied, apply started/applied, confirm).
    static func fiveEntries(in dir: String) throws -> (log: ApplyLog, lines: [Data], entries: [ApplyLogEntry]) {
        let log = ApplyLog(path: dir + "/apply-log.jsonl")
        let recorder = ApplyRecorder(log: log, host: "web-01", actor: .init(user: "root", uid: 0, sudoUser: "alice", sudoUID: 1000),
                                     policy: .init(sha256: String(repeating: "a", count: 64), commit: "0123abcd", dirty: false))
        var entries: [ApplyLogEntry] = []
        entries.append(try recorder.started(plan, confirmationID: nil))
        entries.append(try recorder.finished(plan, confirmationID: nil, generationAfter: 8, failure: nil))
        entries.append(try recorder.started(plan, confirmationID: "c1"))
        entries.append(try recorder.finished(plan, confirmationID: "c1", generationAfter: 9, failure: nil))
        entries.append(try recorder.concluded(.confirm, confirmationID: "c1", changes: [], generationBefore: nil, generationAfter: nil, outcome: "confirmed"))
        let data = try #require(try log.read())
        return (log, ApplyLogLines(data).lines.map(\.bytes), entries)
    }

    static func joined(_ lines: [Data]) -> Data { lines.reduce(into: Data()) { $0 += $1; $0.append(0x0A) } }

    @Test func appendsChainAndVerifyIntact() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (log, lines, entries) = try Self.fiveEntries(in: dir)
        #expect(entries.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(entries[0].prev == ApplyLogEntry.genesis)
        for i in 1..<5 { #expect(entries[i].prev == entries[i - 1].hash) }
        #expect(entries.map(\.outcome) == ["started", "applied", "started", "applied", "confirmed"])
        // The confirm entry takes host and policy from the apply it confirms.
        #expect(entries[4].host == "web-01" && entries[4].policy.commit == "0123abcd")
        #expect(try log.entries() == entries)
        #expect(lines.count == 5)
        let report = ApplyLogVerifier.verify(Self.joined(lines))
        #expect(report.intact && report.problems.isEmpty && report.entries == 5)
        #expect(report.head == entries[4].hash)
        #expect(report.unfinished.isEmpty)
        // An apply that died between intent and result shows as unfinished, not as tampering.
        let died = ApplyLogVerifier.verify(Self.joined(Array(lines.prefix(3))))
        #expect(died.intact && died.unfinished == [3])
        // The hash is the SHA-256 of the canonical bytes: sorted keys, no whitespace, no hash.
        let canonical = String(decoding: entries[0].canonicalBytes, as: UTF8.self)
        #expect(canonical.hasPrefix("{\"action\":\"apply\",\"actor\":{"))
        #expect(!canonical.contains("\"hash\"") && !canonical.contains(" :") && !canonical.contains(", "))
        #expect(entries[0].hash == SHA256.hex(entries[0].canonicalBytes))
    }

    @Test(arguments: [
        ([:], nil, nil),
        (["SUDO_USER": "alice", "SUDO_UID": "1000"], "alice", UInt32(1000)),
        (["SUDO_USER": "bob", "SUDO_UID": "not a number"], "bob", nil),
    ] as [([String: String], String?, UInt32?)])
    func actorNamesTheUserBehindSudo(_ environment: [String: String], _ sudoUser: String?, _ sudoUID: UInt32?) {
        let actor = ApplyLogEntry.Actor.current(environment: environment)
        #expect(actor.uid == getuid() && !actor.user.isEmpty)
        #expect(actor.sudoUser == sudoUser && actor.sudoUID == sudoUID)
    }

    /// Re-encodes line `i` after `edit`, keeping its old hash (altered) or re-hashing it.
    static func edited(_ lines: [Data], _ i: Int, rehash: Bool, _ edit: (inout ApplyLogEntry) -> Void) throws -> [Data] {
        var entry = try JSONDecoder().decode(ApplyLogEntry.self, from: lines[i])
        edit(&entry)
        if rehash { entry.hash = entry.computedHash }
        var out = lines
        out[i] = entry.line
        return out
    }

    struct Tamper: CustomTestStringConvertible, Sendable {
        let name: String
        let change: @Sendable ([Data]) throws -> Data
        /// Every problem expected: kind, line, seq.
        let expected: [(ApplyLogVerifier.Problem.Kind, Int?, Int?)]
        var testDescription: String { name }
    }

    static let tampers: [Tamper] = [
        Tamper(name: "altered outcome", change: { joined(try edited($0, 2, rehash: false) { $0.outcome = "applied" }) }, expected: [(.altered, 3, 3)]),
        Tamper(name: "altered user, re-hashed", change: { joined(try edited($0, 1, rehash: true) { $0.actor.sudoUser = "mallory" }) }, expected: [(.rehashed, 3, 3)]),
        Tamper(name: "field added", change: { l in
            var lines = l
            lines[3] = Data(String(decoding: lines[3], as: UTF8.self).replacingOccurrences(of: "{\"action\"", with: "{\"note\":\"x\",\"action\"").utf8)
            return joined(lines)
        }, expected: [(.altered, 4, 4)]),
        Tamper(name: "middle entry removed", change: { l in var lines = l; lines.remove(at: 2); return joined(lines) }, expected: [(.removed, 3, 3)]),
        Tamper(name: "first two removed", change: { joined(Array($0.dropFirst(2))) }, expected: [(.removed, 1, 1)]),
        Tamper(name: "two entries swapped", change: { l in var lines = l; lines.swapAt(1, 2); return joined(lines) }, expected: [(.reordered, 3, 2)]),
        Tamper(name: "entry duplicated", change: { l in var lines = l; lines.insert(l[1], at: 2); return joined(lines) }, expected: [(.duplicate, 3, 2)]),
        Tamper(name: "last line torn", change: { l in var d = joined(Array(l.dropLast())); d += l[4].prefix(40); return d }, expected: [(.torn, 5, nil)]),
        Tamper(name: "half a line appended", change: { l in var d = joined(l); d += Data("{\"action\":\"ap".utf8); return d }, expected: [(.torn, 6, nil)]),
        Tamper(name: "garbage line", change: { l in var lines = l; lines[1] = Data("not json".utf8); return joined(lines) }, expected: [(.malformed, 2, nil), (.removed, 3, 2)]),
    ]

    @Test(arguments: tampers)
    func tamperingIsDetectedAndLocated(_ tamper: Tamper) throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (_, lines, _) = try Self.fiveEntries(in: dir)
        let report = ApplyLogVerifier.verify(try tamper.change(lines))
        #expect(!report.intact)
        let found = report.problems.map { "\($0.kind.rawValue) line \($0.line.map(String.init) ?? "-") seq \($0.seq.map(String.init) ?? "-")" }
        let expected = tamper.expected.map { "\($0.0.rawValue) line \($0.1.map(String.init) ?? "-") seq \($0.2.map(String.init) ?? "-")" }
        #expect(found == expected, "\(report.problems.map(\.message))")
    }

    @Test func trailingEntriesCutOffNeedAnAnchor() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (_, lines, entries) = try Self.fiveEntries(in: dir)
        let cut = Self.joined(Array(lines.prefix(3)))
        // Without an anchor the shorter chain is intact: the documented limit.
        #expect(ApplyLogVerifier.verify(cut).intact)
        let anchored = ApplyLogVerifier.verify(cut, anchor: entries[4].hash)
        #expect(anchored.problems.map(\.kind) == [.anchorMissing])
        // An anchor taken earlier stays valid while the log grows.
        #expect(ApplyLogVerifier.verify(Self.joined(lines), anchor: entries[2].hash!).intact)
    }

    /// Appends read only the end of the file; an entry longer than what is read first (a
    /// plan of thousands of changes) must still be found whole.
    @Test(arguments: [10, 3_000])
    func appendChainsOntoLongEntries(changes: Int) throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = ApplyLog(path: dir + "/apply-log.jsonl")
        let long = (0..<changes).map { "+ add a rule to chain input from big.policy:\($0): allow a -> b : tcp/\($0)" }
        var stored: [ApplyLogEntry] = []
        for i in 0..<3 {
            stored.append(try log.append(ApplyLogEntry(host: "h", action: .apply, actor: .current(), changes: i == 2 ? [] : long, outcome: "applied")))
        }
        #expect(stored.map(\.seq) == [1, 2, 3])
        #expect(stored[1].prev == stored[0].hash && stored[2].prev == stored[1].hash)
        #expect(ApplyLogVerifier.verify(try #require(try log.read())).intact)
    }

    @Test func appendRefusesAfterATornLine() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (log, lines, _) = try Self.fiveEntries(in: dir)
        var torn = Self.joined(lines)
        torn += Data("{\"act".utf8)
        try torn.write(to: URL(fileURLWithPath: log.path))
        #expect(throws: ApplyLogError.torn(path: log.path, line: 6)) { try log.append(ApplyLogEntry(host: "h", action: .apply, actor: .current(), outcome: "started")) }
        #expect(throws: ApplyLogError.torn(path: log.path, line: 6)) { try log.entries() }
        #expect(try log.read() == torn)
    }

    /// write(2) failures injected: short write (disk full midway) and ENOSPC.
    @Test(arguments: [("short write", 10, Int32(0)), ("ENOSPC", -1, ENOSPC)])
    func failedWriteLeavesTheLogAsItWas(_ name: String, _ result: Int, _ error: Int32) throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (log, _, _) = try Self.fiveEntries(in: dir)
        let before = try #require(try log.read())
        let failing = ApplyLog(path: log.path) { fd, buffer in
            if result > 0 { return write(fd, buffer.baseAddress, result) }
            errno = error
            return result
        }
        #expect(throws: ApplyLogError.self) { try failing.append(ApplyLogEntry(host: "h", action: .apply, actor: .current(), outcome: "started")) }
        #expect(try log.read() == before, "\(name)")
        #expect(ApplyLogVerifier.verify(before).intact)
    }

    /// The kernel's own ENOSPC: /dev/full takes no bytes.
    @Test func fullDeviceFailsTheAppend() throws {
        let log = ApplyLog(path: "/dev/full")
        #expect {
            try log.append(ApplyLogEntry(host: "h", action: .apply, actor: .current(), outcome: "started"))
        } throws: { error in
            "\(error)".contains("No space left on device")
        }
    }

    /// A directory nobody may write: mode 0500 for a normal user; root ignores modes, so it
    /// gets the immutable attribute (chattr +i), which binds root too.
    @Test func readOnlyDirectoryFailsTheAppend() throws {
        let dir = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        if getuid() == 0 {
            let (status, _, err) = try runChattr("+i", dir)
            try #require(status == 0, "chattr +i \(dir) failed (file system without attributes?): \(err)")
        } else {
            chmod(dir, 0o500)
        }
        defer { if getuid() == 0 { _ = try? runChattr("-i", dir) } else { chmod(dir, 0o700) } }
        let log = ApplyLog(path: dir + "/apply-log.jsonl")
        #expect(throws: ApplyLogError.self) { try log.append(ApplyLogEntry(host: "h", action: .apply, actor: .current(), outcome: "started")) }
        #expect(!FileManager.default.fileExists(atPath: log.path))
    }

    func runChattr(_ flag: String, _ path: String) throws -> (Int32, String, String) {
        try runProcess(["chattr", flag, path], stdin: nil)
    }
}
