import Foundation
import FwctlSystem
import Testing

@Suite struct SubprocessTests {
    @Test func collectsStatusAndBothStreams() throws {
        let r = try Subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 3"])
        #expect(r.status == 3)
        #expect(r.output == "out\n")
        #expect(r.errorText == "err")
    }

    @Test func withoutInputStandardInputIsEmpty() throws {
        #expect(try Subprocess.run(["cat"]).stdout.isEmpty)
    }

    /// A megabyte through `cat`: the child writes long before it has read everything, and
    /// neither side waits for the other.
    @Test func inputIsReadAtTheChildsPace() throws {
        let input = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let r = try Subprocess.run(["cat"], input: input)
        #expect(r.succeeded)
        #expect(r.stdout == input)
    }

    /// A child that never reads its input costs no SIGPIPE here.
    @Test func inputNobodyReadsIsFine() throws {
        #expect(try Subprocess.run(["true"], input: Array(repeating: 7, count: 1 << 20)).succeeded)
    }

    @Test func aSignalIsReportedAsAShellDoes() throws {
        #expect(try Subprocess.run(["sh", "-c", "kill -TERM $$"]).status == 128 + SIGTERM)
    }

    @Test func environmentAddsToOurs() throws {
        let r = try Subprocess.run(["sh", "-c", "echo \"$FWCTL_SUBPROCESS_TEST:$PATH\""], environment: ["FWCTL_SUBPROCESS_TEST": "x"])
        #expect(r.output == "x:\(ProcessInfo.processInfo.environment["PATH"] ?? "")\n")
    }

    @Test func aMissingProgramIsAnErrnoNotAStatus() {
        #expect(throws: SubprocessError(program: "fwctl-no-such-program", errno: ENOENT)) {
            try Subprocess.run(["fwctl-no-such-program"])
        }
        #expect(SubprocessError(program: "x", errno: ENOENT).description == "cannot run x: not found (ENOENT)")
    }

    /// Detached: its own session, standard streams on /dev/null, and none of our other
    /// descriptors (here one that is not close-on-exec, at fd 200).
    @Test func detachedChildKeepsNothingOfOurs() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-detached-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        try #require(dup2(fds[1], 200) == 200)
        defer { close(fds[0]); close(fds[1]); close(200) }

        let script = #"""
            me=$$; in=$(readlink /proc/$me/fd/0); out=$(readlink /proc/$me/fd/1)
            sid=$(cut -d' ' -f6 /proc/$me/stat); fds=$(ls /proc/$me/fd | tr '\n' ' ')
            echo "$me $sid $in $out $fds" > "$1/facts"
            """#
        let pid = try Subprocess.spawnDetached(["sh", "-c", script, "sh", dir])
        var status: Int32 = 0
        #expect(waitpid(pid, &status, 0) == pid && status == 0)
        let facts = try String(contentsOfFile: dir + "/facts", encoding: .utf8).split(separator: " ").map(String.init)
        try #require(facts.count >= 4, "\(facts)")
        #expect(facts[1] == facts[0], "a session of its own")
        #expect(facts[2] == "/dev/null" && facts[3] == "/dev/null")
        #expect(!facts.dropFirst(4).contains("200"), "\(facts)")
    }
}
