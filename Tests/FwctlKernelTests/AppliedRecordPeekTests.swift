import Foundation
import Testing
@testable import FwctlKernel

/// Telling a stale record (another generation than the kernel's) without decoding its sets:
/// the peek agrees with the full decoding on every whole or cut file, and the store then
/// skips a record that cannot stand for the read.
@Suite struct AppliedRecordPeekTests {
    typealias D = AppliedRecordDeltaTests

    @Test func peekReachesTheGenerationDecodingReaches() {
        #expect(AppliedRecord.reachedGeneration(D.base.encoded()) == 77)
        #expect(AppliedRecord.reachedGeneration(D.base.encoded() + D.delta1.section()) == 78)
        #expect(AppliedRecord.reachedGeneration(D.file) == 79)
        let baseSize = D.base.encoded().count
        for n in baseSize..<D.file.count {
            let cut = Array(D.file.prefix(n))
            #expect(AppliedRecord.reachedGeneration(cut) == AppliedRecord(encoded: cut)?.generation, "cut at \(n)")
        }
        #expect(AppliedRecord.reachedGeneration(Array(D.file.prefix(20))) == nil)
        #expect(AppliedRecord.reachedGeneration(Array("not a record".utf8)) == nil)
    }

    @Test func storeSkipsARecordOfAnotherGeneration() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-peek-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = AppliedRecordStore(directory: dir)
        try Data(D.file).write(to: URL(fileURLWithPath: store.path))
        chmod(store.path, 0o600)
        #expect(store.loadWithState()?.record == D.after2)
        #expect(store.loadWithState(at: 79)?.record == D.after2)
        #expect(store.loadWithState(at: 78) == nil)
        #expect(store.loadWithState(at: 80) == nil)
    }
}
