import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A scratch network namespace for one test: created with `ip netns add` under a unique
/// name, always removed (also when the body throws). Kernel state never leaks between
/// tests, and the root namespace's firewall is never touched.
struct TestNamespace {
    let name: String
    var path: String { "/run/netns/\(name)" }

    struct CommandFailed: Error, CustomStringConvertible {
        var command: [String]
        var status: Int32
        var stderr: String
        var description: String { "\(command.joined(separator: " ")) exited \(status): \(stderr)" }
    }

    static func with<T>(_ body: (TestNamespace) throws -> T) throws -> T {
        let ns = TestNamespace(name: "fwctl-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try run(["ip", "netns", "add", ns.name])
        defer { _ = try? run(["ip", "netns", "del", ns.name]) }
        return try body(ns)
    }

    /// `ip netns exec NAME nft ARGS`, with `input` on stdin (for `nft -f -`).
    @discardableResult
    func nft(_ args: String..., input: String? = nil) throws -> String {
        try Self.run(["ip", "netns", "exec", name, "nft"] + args, input: input)
    }

    @discardableResult
    static func run(_ command: [String], input: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = command
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw CommandFailed(command: command, status: p.terminationStatus, stderr: String(decoding: e, as: UTF8.self))
        }
        return String(decoding: o, as: UTF8.self)
    }
}

/// Counter values are kernel state: compare listings with them zeroed.
func normalisingCounters(_ text: String) -> String {
    text.replacingOccurrences(of: #"counter packets \d+ bytes \d+"#, with: "counter packets 0 bytes 0", options: .regularExpression)
}

let isRoot = getuid() == 0

/// The lines that differ between two listings, for readable failure messages.
func lineDiff(_ got: String, _ want: String) -> String {
    let g = got.split(separator: "\n", omittingEmptySubsequences: false)
    let w = want.split(separator: "\n", omittingEmptySubsequences: false)
    return (0..<max(g.count, w.count)).compactMap { i in
        let a = i < g.count ? String(g[i]) : "<none>", b = i < w.count ? String(w[i]) : "<none>"
        return a == b ? nil : "line \(i + 1): got «\(a)» want «\(b)»"
    }.joined(separator: "\n")
}
