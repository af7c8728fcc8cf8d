import Foundation
import Testing
import FwctlTestSupport

/// `make demo`, the README's first command: the demo script on a copy of the bundled policy,
/// as root in the throwaway namespace it makes and removes itself; it compares the kernel's
/// listing with `fwctl compile` in canonical form (nft lists a dispatch map's elements in its
/// own order).
@Suite(.enabled(if: TestNamespace.isRoot, "needs root: the demo applies a table in a network namespace"))
struct DemoScriptTests {
    @Test func demoRunsToTheEnd() throws {
        let dir = try ScratchDirectory(prefix: "fwctl-demo-test")
        defer { dir.remove() }
        let policy = try dir.copy(Repo.policies.appendingPathComponent("scale-up.policy"), to: "scale-up.policy")
        let (status, out, err) = try runProcess([Repo.root.appendingPathComponent("scripts/demo.sh").path,
                                                 CLI.binary.path, policy.path, "web-01"], stdin: nil)
        #expect(status == 0, "\(out.suffix(2000))\(err)")
        #expect(out.contains("=> the same as `fwctl compile --host web-01`"), "\(out.suffix(2000))")
        #expect(out.contains("=> the kernel's table is the same as `fwctl compile --host web-01` of the edited policy"))
        #expect(out.contains(": intact, 4 entries."))
    }
}
