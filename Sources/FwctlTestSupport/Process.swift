import Foundation
import FwctlSystem

/// A command that exited non-zero (or could not be started), with what it said.
public struct CommandFailure: Error, CustomStringConvertible {
    public let argv: [String]
    public let status: Int32
    public let stderr: String

    public var description: String {
        "`\(argv.joined(separator: " "))` exited \(status): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}

/// Runs `argv` (argv[0] looked up in PATH) to completion and returns its exit status,
/// stdout and stderr (`Subprocess`, so it also works in a namespace whose loopback is down).
/// Never throws for a non-zero exit: callers decide what failure means.
public func runProcess(_ argv: [String], stdin: String?) throws -> (status: Int32, stdout: String, stderr: String) {
    let r = try Subprocess.run(argv, input: stdin.map { Array($0.utf8) })
    return (r.status, r.output, String(decoding: r.stderr, as: UTF8.self))
}

/// Zeroes counter values in nft text, so listings taken after traffic compare equal to a
/// render: `counter packets 12 bytes 3400` becomes `counter packets 0 bytes 0`. A verdict
/// map's elements are sorted too: the kernel lists a hash map in its own order.
public func normaliseCounters(_ nftText: String) -> String {
    sortingMapElements(nftText.replacing(/counter packets \d+ bytes \d+/, with: "counter packets 0 bytes 0"))
}

/// The listing with each map's element list (`elements = { k : v,` one a line) sorted.
public func sortingMapElements(_ listing: String) -> String {
    var out: [String] = []
    var pending: [String] = []
    for line in listing.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        let opens = line.hasPrefix("\t\telements = { ") && line.contains(" : ")
        if opens || (!pending.isEmpty && line.hasPrefix("\t\t\t     ")) {
            var item = opens ? String(line.dropFirst(15)) : String(line.dropFirst(8))
            if item.hasSuffix(",") { item.removeLast() }
            let last = item.hasSuffix(" }")
            if last { item.removeLast(2) }
            pending.append(item)
            if last {
                out.append("\t\telements = { " + pending.sorted().joined(separator: ",\n\t\t\t     ") + " }")
                pending = []
            }
            continue
        }
        out.append(line)
    }
    return out.joined(separator: "\n")
}
