import Foundation
import FwctlTestSupport
import Testing

/// The built `fwctl` binary, run as a user would.
enum CLI {
    static var binary: URL {
        // The test runner lives in the build products directory, next to the fwctl executable.
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("fwctl")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Repo.root.appendingPathComponent(".build/debug/fwctl")
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String], env: [String: String] = [:], in directory: URL? = nil) throws -> Result {
        try refuseMachineDefaults(args)
        let p = Process()
        p.executableURL = binary
        p.currentDirectoryURL = directory
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        e["NO_COLOR"] = "1"
        for (k, v) in env { e[k] = v }
        p.environment = e
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        let r = errBox.data
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: r, as: UTF8.self))
    }
}

@Suite struct CLITests {
    let scaleUp = Repo.policies.appendingPathComponent("scale-up.policy").path

    @Test func checkBundledPolicies() throws {
        for p in Repo.bundledPolicies {
            let r = try CLI.run(["check", "--policy", Repo.policies.appendingPathComponent(p).path])
            #expect(r.status == 0, "\(p): \(r.stderr)")
            #expect(r.stdout.contains(": ok: "))
        }
    }

    @Test func checkReportsErrorsWithCaretAndExitsOne() throws {
        let dir = try ScratchDirectory(prefix: "fwctl-cli")
        defer { dir.remove() }
        let bad = try dir.write("role web { host w1 = 192.0.2.1 }\nallow web -> wbe : tcp/443\n", to: "bad.policy")
        let r = try CLI.run(["check", "--policy", bad.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.policy:2:14: error:"))
        #expect(r.stderr.contains("allow web -> wbe : tcp/443"))
        #expect(r.stderr.contains("^~~"))
        #expect(r.stderr.contains("web"))  // did you mean
        // Nothing is compiled from a policy with errors.
        let c = try CLI.run(["compile", "--policy", bad.path, "--host", "w1"])
        #expect(c.status == 1 && c.stdout.isEmpty)
    }

    @Test func compileOneHostPrintsItsTable() throws {
        let r = try CLI.run(["compile", "--policy", scaleUp, "--host", "web-01"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("table inet fwctl {"))
        // The default layout: the flow's rule in its port's chain, reached through the map.
        #expect(r.stdout.contains("\tchain in_tcp_443 {\n\t\tip saddr @role_lb_v4 counter packets 0 bytes 0 accept comment \"scale-up.policy:"))
        #expect(r.stdout.contains("meta l4proto . th dport vmap @in_ports comment \"fwctl: flows by protocol and port\""))
        let j = try CLI.run(["compile", "--policy", scaleUp, "--host", "web-01", "--format", "json"])
        #expect(j.status == 0)
        #expect((try? JSONSerialization.jsonObject(with: Data(j.stdout.utf8))) != nil)
    }

    @Test func unknownHostListsKnownHosts() throws {
        let r = try CLI.run(["compile", "--policy", scaleUp, "--host", "web-1"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("unknown host 'web-1'"))
        #expect(r.stderr.contains("Did you mean 'web-01'?"))
        #expect(r.stderr.contains("lb-01, lb-02, web-01"))
    }

    @Test func compileAllToDirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-out-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["compile", "--policy", scaleUp, "--all", "-o", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["app-01.nft", "db-primary.nft", "db-replica.nft", "lb-01.nft", "lb-02.nft", "mon-01.nft", "web-01.nft", "web-02.nft"])
        let one = try CLI.run(["compile", "--policy", scaleUp, "--host", "db-replica"])
        #expect(try String(contentsOf: dir.appendingPathComponent("db-replica.nft"), encoding: .utf8) == one.stdout)
    }

    /// A directory that cannot be made is one line naming it and the system's reason (errno).
    @Test func compileToADirectoryThatCannotBeMade() throws {
        let dir = try ScratchDirectory(prefix: "fwctl-out")
        defer { dir.remove() }
        let out = try dir.write("", to: "file").path + "/sub"
        let r = try CLI.run(["compile", "--policy", scaleUp, "--all", "-o", out])
        #expect(r.status == 1)
        #expect(r.stderr == "fwctl: error: cannot create directory '\(out)': \(String(cString: strerror(ENOTDIR)))\n", "\(r.stderr)")
    }

    @Test(arguments: [
        (["compile", "--policy", "/nonexistent/fwctl.policy", "--host", "x"], Int32(1), "/nonexistent/fwctl.policy"),
        (["compile", "--policy", "/nonexistent/fwctl.policy", "--host", "a", "--all"], Int32(64), "--host and --all"),
        (["compile", "--policy", "/nonexistent/fwctl.policy", "--format", "yaml"], Int32(64), "yaml"),
        (["frobnicate"], Int32(64), "frobnicate"),
    ])
    func badInvocations(args: [String], status: Int32, mentions: String) throws {
        let r = try CLI.run(args)
        #expect(r.status == status, "\(args): \(r.stderr)")
        #expect(r.stderr.contains(mentions))
        #expect(!r.stderr.contains("Fatal error"))
    }

    @Test func helpForEveryCommand() throws {
        for cmd in [[], ["check"], ["compile"], ["plan"], ["apply"], ["confirm"], ["restore"], ["verify"], ["test"], ["diff"], ["lab"],
                    ["status"], ["audit"], ["audit", "export"], ["audit", "log"]] {
            let r = try CLI.run(cmd + ["--help"])
            #expect(r.status == 0)
            #expect(r.stdout.contains("USAGE") || r.stdout.contains("Usage"))
            // An unknown subcommand's --help prints the top-level help: require the command's own.
            if !cmd.isEmpty {
                let name = cmd.joined(separator: " ")
                #expect(r.stdout.contains("USAGE: fwctl \(name)"), "\(name) --help:\n\(r.stdout)")
            }
        }
    }
}

/// What an unprivileged user sees from the commands that need the kernel.
@Suite(.enabled(if: TestNamespace.isRoot, "needs root to switch to an unprivileged user with setpriv"))
struct UnprivilegedCLITests {
    @Test(arguments: ["plan", "apply", "confirm", "status"])
    func kernelCommandsSayTheyNeedRoot(command: String) throws {
        let policy = Repo.policies.appendingPathComponent("scale-up.policy").path
        var args = [command]
        if command != "confirm" { args += ["--policy", policy, "--host", "web-01"] }
        // A state directory the unprivileged user could create; the root check must come first.
        args += ["--state-dir", "/tmp/fwctl-unprivileged-\(getpid())"]
        let r = try Self.fwctl(as: ["--reuid=65534", "--regid=65534"], args)
        #expect(r.status == 1)
        #expect(r.stderr == "fwctl: error: fwctl \(command) needs root (CAP_NET_ADMIN) to read the kernel's nf_tables ruleset: run it with sudo\n", "\(r.stderr)")
    }

    /// Root is the effective user, for lab as for the others: a process whose real user is
    /// root but whose effective user is not cannot create namespaces either.
    @Test func labChecksTheEffectiveUser() throws {
        let r = try Self.fwctl(as: ["--euid=65534", "--egid=65534"], ["lab", "--policy", Repo.policies.appendingPathComponent("scale-up.policy").path])
        #expect(r.status == 1)
        #expect(r.stderr == "fwctl: error: fwctl lab needs root (it creates network namespaces): run it with sudo\n", "\(r.stderr)")
    }

    /// fwctl `args` run by `setpriv` as the user `ids` name (`--reuid=…`), without groups.
    static func fwctl(as ids: [String], _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runProcess(["setpriv"] + ids + ["--clear-groups"] + CLI.argv(args), stdin: nil)
    }
}
