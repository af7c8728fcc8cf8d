import Foundation
import Testing
import FwctlTestSupport

/// `make demo`, the README's first command: the demo script on a copy of the bundled policy,
/// as root in the throwaway namespace it makes and removes itself. It once compared the
/// kernel's listing with `fwctl compile` byte for byte, which a dispatch map's element order
/// (nft's own) broke, and no test ran it.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: the demo applies a table in a network namespace"))
struct DemoScriptTests {
    @Test func demoRunsToTheEnd() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-demo-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let policy = dir.appendingPathComponent("scale-up.policy")
        try FileManager.default.copyItem(at: Repo.policies.appendingPathComponent("scale-up.policy"), to: policy)
        let (status, out, err) = try runProcess([Repo.root.appendingPathComponent("scripts/demo.sh").path,
                                                 CLI.binary.path, policy.path, "web-01"], stdin: nil)
        #expect(status == 0, "\(out.suffix(2000))\(err)")
        #expect(out.contains("=> the same as `fwctl compile --host web-01`"), "\(out.suffix(2000))")
        #expect(out.contains("=> the kernel's table is the same as `fwctl compile --host web-01` of the edited policy"))
        #expect(out.contains(": intact, 4 entries."))
    }
}
