import Foundation
import Testing
import FwctlTestSupport

/// fwctl in a network namespace whose `lo` is down (where Foundation's `Process` cannot make
/// its run-loop socket and waits forever): `diff git:` and `lab` complete, and `lab` cleans
/// up and exits on SIGTERM and SIGINT. Every run has a hard deadline, so a hang fails the
/// test instead of blocking it.
@Suite(.serialized, .enabled(if: TestNamespace.isRoot, "needs root: runs fwctl in a network namespace"))
struct LoopbackDownKernelTests {
    static let tiny = """
        service ssh = tcp/22
        role a { host a1 = 10.9.0.1 }
        role b { host b1 = 10.9.0.2 }
        allow a -> b : ssh
        """

    /// A namespace of the test's own, with its loopback taken down again.
    static func namespace() throws -> TestNamespace {
        let ns = try TestNamespace(prefix: "fwctl-lodown")
        do { try TestNamespace.ip(["-n", ns.name, "link", "set", "lo", "down"]) } catch { ns.remove(); throw error }
        return ns
    }

    /// Runs `body` with such a namespace and a scratch directory holding `tiny` as p/a.policy;
    /// both are removed afterwards.
    static func withNamespace(_ body: (TestNamespace, ScratchDirectory) throws -> Void) throws {
        let ns = try namespace()
        defer { ns.remove() }
        let dir = try ScratchDirectory(prefix: "fwctl-lodown")
        defer { dir.remove() }
        try dir.write(tiny, to: "p/a.policy")
        try body(ns, dir)
    }

    @Test func diffOfGitRevisionsCompletes() throws {
        try Self.withNamespace { ns, dir in
            for step in [["init", "-q"], ["add", "p"], ["commit", "-qm", "one"]] { try dir.git(step) }
            try dir.write(Self.tiny + "\nallow b -> a : ssh\n", to: "p/a.policy")
            try dir.git(["commit", "-qam", "two"])
            // A directory (git archive + tar) and a file (git show).
            for (old, new) in [("git:HEAD~1:p", "git:HEAD:p"), ("git:HEAD~1:p/a.policy", "git:HEAD:p/a.policy")] {
                let r = try Bounded.run(["ip", "netns", "exec", ns.name] + CLI.argv(["diff", old, new]), in: dir.url, seconds: 60)
                #expect(!r.timedOut, "fwctl diff \(old) \(new) did not finish in a namespace without loopback")
                #expect(r.status == 2 && r.stdout.contains("+ b -> a : tcp/22"), "\(r.status) \(r.stdout) \(r.stderr)")
                #expect(!r.stderr.contains("CFSocket"), "\(r.stderr)")
            }
        }
    }

    @Test func labCompletes() throws {
        try Self.withNamespace { ns, dir in
            let argv = try ["ip", "netns", "exec", ns.name] + CLI.argv(["lab", "--policy", dir.file("p/a.policy").path])
            let r = try Bounded.run(argv, in: dir.url, seconds: 120) { pid in Bounded.removeLabNamespaces(of: pid) }
            #expect(!r.timedOut, "fwctl lab did not finish in a namespace without loopback: \(r.stderr)")
            #expect(r.status == 0, "\(r.status) \(r.stdout) \(r.stderr)")
            #expect(!r.stderr.contains("CFSocket"), "\(r.stderr)")
            #expect(Bounded.labNamespaces(of: r.pid).isEmpty)
        }
    }

    /// The lab is stopped once its namespaces exist: it exits promptly with 128 + the signal,
    /// leaving no namespace and no `ip` of its own behind.
    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func labCleansUpAndExitsOnSignal(signal: Int32, status: Int32) throws {
        let ns = try Self.namespace()
        defer { ns.remove() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        p.arguments = ["netns", "exec", ns.name] + (try CLI.argv(["lab", "--policy", Repo.policies.appendingPathComponent("scale-up.policy").path]))
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-lodown-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = try FileHandle(forWritingTo: errFile)
        try p.run()
        // `ip netns exec` execs fwctl: the pid is fwctl's, and so the lab's namespace prefix.
        let pid = p.processIdentifier
        defer {
            if p.isRunning { kill(pid, SIGKILL); p.waitUntilExit() }
            Bounded.removeLabNamespaces(of: pid)
        }
        let started = Bounded.waitFor(seconds: 60) { !Bounded.labNamespaces(of: pid).isEmpty || !p.isRunning }
        try #require(started && p.isRunning, "fwctl lab made no namespace within 60 s")
        kill(pid, signal)
        let exited = Bounded.waitFor(seconds: 15) { !p.isRunning }
        #expect(exited, "fwctl lab still running 15 s after signal \(signal)")
        guard exited else { return }
        p.waitUntilExit()
        let stderr = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        #expect(p.terminationReason == .exit && p.terminationStatus == status, "\(p.terminationReason) \(p.terminationStatus): \(stderr)")
        #expect(Bounded.labNamespaces(of: pid).isEmpty, "\(Bounded.labNamespaces(of: pid))")
        #expect(Bounded.processes(mentioning: "fwctl-lab-\(pid)-").isEmpty)
    }
}

/// Running a program with a deadline, and looking at what a lab left behind.
enum Bounded {
    struct Result { var pid: Int32; var status: Int32; var stdout: String; var stderr: String; var timedOut: Bool }

    /// Runs `argv` in `dir`; after `seconds` kills it (SIGKILL) and calls `cleanup` with its pid.
    static func run(_ argv: [String], in dir: URL, seconds: Double, cleanup: (Int32) -> Void = { _ in }) throws -> Result {
        let out = dir.appendingPathComponent("bounded-out-\(UUID().uuidString)"), err = dir.appendingPathComponent("bounded-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        p.currentDirectoryURL = dir
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        let finished = waitFor(seconds: seconds) { !p.isRunning }
        if !finished { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        if !finished { cleanup(p.processIdentifier) }
        return Result(pid: p.processIdentifier, status: p.terminationStatus,
                      stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "", stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
                      timedOut: !finished)
    }

    /// Polls `condition` every 50 ms for at most `seconds`.
    static func waitFor(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    /// The namespaces of the lab run by process `pid` (`fwctl-lab-PID-N`).
    static func labNamespaces(of pid: Int32) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/var/run/netns")) ?? []
        return names.filter { $0.hasPrefix("fwctl-lab-\(pid)-") }
    }

    static func removeLabNamespaces(of pid: Int32) {
        for name in labNamespaces(of: pid) { _ = try? runProcess(["ip", "netns", "delete", name], stdin: nil) }
    }

    /// Pids of running processes whose command line contains `text`.
    static func processes(mentioning text: String) -> [String] {
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { Int($0) != nil }
        return pids.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }
}
