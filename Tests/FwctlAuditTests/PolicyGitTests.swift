import Foundation
import FwctlTestSupport
import Testing
@testable import FwctlAudit

/// git is asked about a policy only where it could find a repository.
@Suite struct PolicyGitTests {
    @Test func aDirectoryWithNoGitAboveItIsNotAWorkTree() throws {
        let dir = try ScratchDirectory(prefix: "fwctl-policygit")
        defer { dir.remove() }
        defer { dir.remove() }
        #expect(!PolicyGit.mayBeInWorkTree(dir.path + "/a/b", environment: [:]))
        #expect(PolicyGit.state(of: dir.path) == nil)
    }

    @Test(arguments: ["", "/sub", "/sub/deeper"])
    func aGitEntryInTheDirectoryOrAboveMayBe(_ below: String) throws {
        let dir = try ScratchDirectory(prefix: "fwctl-policygit")
        defer { dir.remove() }
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/.git", withIntermediateDirectories: true)
        #expect(PolicyGit.mayBeInWorkTree(dir.path + below, environment: [:]))
    }

    /// A `.git` file (a worktree's or a submodule's) counts as much as a directory.
    @Test func aGitFileCounts() throws {
        let dir = try ScratchDirectory(prefix: "fwctl-policygit")
        defer { dir.remove() }
        defer { dir.remove() }
        try dir.write("gitdir: /elsewhere\n", to: ".git")
        #expect(PolicyGit.mayBeInWorkTree(dir.path, environment: [:]))
    }

    @Test(arguments: ["GIT_DIR", "GIT_WORK_TREE"])
    func theEnvironmentCanNameARepository(_ variable: String) throws {
        let dir = try ScratchDirectory(prefix: "fwctl-policygit")
        defer { dir.remove() }
        defer { dir.remove() }
        #expect(PolicyGit.mayBeInWorkTree(dir.path, environment: [variable: "/srv/policy.git"]))
    }

    @Test func aRealCheckoutIsStillFound() throws {
        let dir = try ScratchDirectory(prefix: "fwctl-policygit")
        defer { dir.remove() }
        defer { dir.remove() }
        try dir.write("role a { host a1 = 192.0.2.1 }\n", to: "site.policy")
        for step in [["init", "-q"], ["add", "site.policy"], ["commit", "-qm", "policy"]] { try dir.git(step) }
        let state = try #require(PolicyGit.state(of: dir.path + "/site.policy"))
        #expect(state.commit.count == 40 && !state.dirty)
    }
}
