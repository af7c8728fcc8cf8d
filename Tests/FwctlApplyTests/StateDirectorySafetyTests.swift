import Foundation
import FwctlDesired
import FwctlKernel
import FwctlLog
import FwctlPlanner
import FwctlRuleset
import FwctlState
import FwctlSystem
import FwctlTestSupport
import Testing
@testable import FwctlApply

/// The state directory and the log's directory as an attacker (or an accident) leaves them:
/// links planted where fwctl's files go, a directory others can write. fwctl follows no link
/// there, creates nothing at a link's target, and refuses a directory others could plant in.
/// No kernel is involved; ownership cases need root (to chown).
@Suite struct StateDirectorySafetyTests {
    /// A fresh directory of mode 0700 and a secret file outside it (0600, known bytes).
    final class Place {
        let root: String
        let state: String
        let secret: String
        static let secretBytes = Data("root's secret, not to be truncated\n".utf8)

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-safety-\(getpid())-\(UUID().uuidString)").path
            state = root + "/state"
            secret = root + "/secret"
            try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(root, 0o700)
            try Self.secretBytes.write(to: URL(fileURLWithPath: secret))
            chmod(secret, 0o600)
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func plant(_ name: String, pointingTo target: String) throws {
            try FileManager.default.createSymbolicLink(atPath: state + "/" + name, withDestinationPath: target)
        }

        var secretIntact: Bool { FileManager.default.contents(atPath: secret) == Self.secretBytes }
        func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
    }

    static let plan = Plan(table: TableRef(name: "fwctl"), generation: 7, changes: [.createTable(TableRef(name: "fwctl"))])

    @Test func lockLinkedToARootFileIsRefusedAndTheFileKeepsItsBytes() throws {
        let p = try Place()
        try p.plant("lock", pointingTo: p.secret)
        #expect(throws: (any Error).self) { _ = try HostLock(path: p.state + "/lock", timeout: 0) }
        #expect(p.secretIntact, "the lock's link was followed and its target truncated")
        #expect(throws: (any Error).self) { _ = try ApplySession(stateDirectory: p.state, lockTimeout: 0) }
        #expect(p.secretIntact)
    }

    @Test func danglingLockLinkCreatesNothingAtItsTarget() throws {
        let p = try Place()
        let target = p.root + "/created-by-lock"
        try p.plant("lock", pointingTo: target)
        #expect(throws: (any Error).self) { _ = try HostLock(path: p.state + "/lock", timeout: 0) }
        #expect(!p.exists(target), "a dangling lock link created a file at its target")
    }

    @Test func danglingLogLinkCreatesNothingAtItsTarget() throws {
        let p = try Place()
        let target = p.root + "/created-by-log"
        try p.plant(ApplyLog.fileName, pointingTo: target)
        let recorder = ApplyRecorder(log: ApplyLog(path: ApplyLog.path(stateDirectory: p.state)), host: "web-01")
        #expect(throws: (any Error).self) { try recorder.started(Self.plan, confirmationID: nil) }
        #expect(!p.exists(target), "a dangling apply-log link created a file at its target")
    }

    @Test func logLinkedToAnExistingFileIsNeitherReadNorAppendedTo() throws {
        let p = try Place()
        try p.plant(ApplyLog.fileName, pointingTo: p.secret)
        let log = ApplyLog(path: ApplyLog.path(stateDirectory: p.state))
        #expect(throws: (any Error).self) { try log.append(ApplyLogEntry(host: "h", action: .apply, actor: .current(), outcome: "started")) }
        #expect(throws: (any Error).self) { _ = try log.read() }
        #expect(p.secretIntact)
    }

    @Test func pendingConfirmationLinkIsNotFollowed() throws {
        let p = try Place()
        let state = StateDirectory(path: p.state)
        let pending = PendingConfirmation(table: TableRef(name: "fwctl"), previous: nil, deadline: 1)
        try AtomicFile.write(try JSONEncoder().encode(pending), to: p.secret + ".json", mode: 0o600)
        try p.plant("pending-confirm.json", pointingTo: p.secret + ".json")
        #expect(throws: (any Error).self) { _ = try state.readPending() }
    }

    /// The temporary file of an atomic write has a name a planted link cannot anticipate, and
    /// is created only if nothing is there.
    @Test func atomicWriteFollowsNoLinkAtItsTemporaryName() throws {
        let p = try Place()
        let path = p.state + "/pending-confirm.json"
        try p.plant("pending-confirm.json.tmp.\(getpid())", pointingTo: p.secret)
        try AtomicFile.write(Array("{}".utf8), to: path, mode: 0o600)
        #expect(p.secretIntact, "the temporary file's link was followed")
        #expect(FileManager.default.contents(atPath: path) == Data("{}".utf8))
        var st = stat()
        #expect(lstat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG)
    }

    @Test func cachesBehindLinksAreIgnored() throws {
        let p = try Place()
        let elsewhere = try Place()
        let record = AppliedRecordStore(directory: elsewhere.state)
        _ = record.save(AppliedRecord(place: .init(bootID: "b", cookie: 1, device: 2, inode: 3), table: TableRef(name: "fwctl"),
                                      generation: 5, tableHandle: 1, sets: [:]))
        #expect(record.load() != nil)
        try p.plant("applied-table.rec", pointingTo: record.path)
        #expect(AppliedRecordStore(directory: p.state).load() == nil, "the applied record was read through a link")
        let cache = CompiledTableCache(directory: elsewhere.state)
        cache.save(.init(context: "c", files: [], dependencies: [], table: Table(family: .inet, name: "fwctl")))
        #expect(cache.load(context: "c") != nil)
        try p.plant("compiled-table.cache", pointingTo: cache.path)
        #expect(CompiledTableCache(directory: p.state).load(context: "c") == nil, "the compiled table was read through a link")
    }

    @Test(arguments: [0o777, 0o770, 0o757, 0o1777])
    func stateDirectoryOthersCanWriteIsRefusedWithTheFix(mode: Int) throws {
        let p = try Place()
        chmod(p.state, mode_t(mode))
        do {
            try StateDirectory(path: p.state).prepare()
            Issue.record("a state directory of mode \(String(mode, radix: 8)) was accepted")
        } catch {
            #expect("\(error)".contains("state directory \(p.state) is writable by group or others"), "\(error)")
            // A shared (sticky) directory is no place to fix: another one is suggested.
            #expect("\(error)".contains(mode & 0o1000 == 0 ? "fix with: chmod go-w \(p.state)" : "mkdir -m 0700"), "\(error)")
        }
        #expect(throws: (any Error).self) { _ = try ApplySession(stateDirectory: p.state, lockTimeout: 0) }
        #expect(!p.exists(p.state + "/lock"), "a lock was created in an unsafe state directory")
    }

    @Test(.enabled(if: TestNamespace.isRoot, "needs root: gives the directory to another user"))
    func stateDirectoryOwnedByAnotherUserIsRefusedWithTheFix() throws {
        let p = try Place()
        chown(p.state, 1000, 1000)
        do {
            try StateDirectory(path: p.state).prepare()
            Issue.record("a state directory owned by uid 1000 was accepted")
        } catch {
            #expect("\(error)".contains("is owned by uid 1000"), "\(error)")
            #expect("\(error)".contains("chown root: \(p.state)"), "\(error)")
        }
    }

    @Test func logDirectoryOthersCanWriteIsRefused() throws {
        let p = try Place()
        let shared = p.root + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
        chmod(shared, 0o777)
        let log = ApplyLog(path: shared + "/apply-log.jsonl")
        do {
            try log.append(ApplyLogEntry(host: "h", action: .apply, actor: .current(), outcome: "started"))
            Issue.record("a log in a world-writable directory was appended to")
        } catch {
            #expect("\(error)".contains("log directory \(shared) is writable by group or others"), "\(error)")
        }
        #expect(!p.exists(shared + "/apply-log.jsonl"))
    }

    @Test func aNewStateDirectoryIsPrivate() throws {
        let p = try Place()
        let fresh = p.root + "/a/b/state"
        try StateDirectory(path: fresh).prepare()
        var st = stat()
        #expect(stat(fresh, &st) == 0 && st.st_mode & 0o7777 == 0o700)
    }
}
