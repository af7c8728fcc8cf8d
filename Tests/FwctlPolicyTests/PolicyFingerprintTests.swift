import Foundation
import FwctlPolicy
import FwctlSystem
import Testing

/// The policy's fingerprint is what `sha256sum *.policy | sha256sum` prints in its directory.
@Suite struct PolicyFingerprintTests {
    @Test func isShaSumOfTheShaSumListing() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-fingerprint-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = [("a.policy", "role web { host w1 10.0.0.1 }\n"), ("b.policy", "allow any -> web : https\n")]
        for (name, text) in files { try AtomicFile.write(text, to: dir + "/" + name) }

        let fingerprint = PolicyFingerprint.compute(files.map { (dir + "/" + $0.0, Array($0.1.utf8)) })
        let shell = try Subprocess.run(["sh", "-c", "cd \"$1\" && sha256sum a.policy b.policy | sha256sum", "sh", dir])
        try #require(shell.succeeded, "\(shell.errorText)")
        #expect(fingerprint.policy == String(shell.output.prefix(64)))
        #expect(fingerprint.files == files.map { SHA256.hex(Array($0.1.utf8)) })
    }

    @Test func renamingAFileChangesIt() {
        let bytes = Array("allow any -> web : https\n".utf8)
        #expect(PolicyFingerprint.compute([("/x/a.policy", bytes)]).policy != PolicyFingerprint.compute([("/x/b.policy", bytes)]).policy)
        #expect(PolicyFingerprint.compute([("/x/a.policy", bytes)]).policy == PolicyFingerprint.compute([("/y/a.policy", bytes)]).policy)
    }
}
