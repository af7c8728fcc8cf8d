import Foundation
import FwctlRuleset
import Testing
@testable import FwctlNetlink

/// A read whose set dumps a waiting thread takes part in (`DumpHelp`, as `fwctl plan` waits
/// for its prefetch) reads exactly what the same read alone does.
@Suite(.enabled(if: isRoot, "needs root: creates network namespaces and loads nftables rulesets"))
struct DumpHelpTests {
    /// Six interval sets of 3,000 addresses, two hash sets, and rules with anonymous sets.
    static let manySets: String = {
        var text = "table inet fwctl {\n"
        for s in 0..<6 {
            let elements = (0..<3000).map { "10.\(s).\($0 / 256).\($0 % 256)" }.joined(separator: ", ")
            text += "\tset role_s\(s)_v4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { \(elements) }\n\t}\n"
        }
        text += "\tset ports {\n\t\ttype inet_service\n\t\telements = { 22, 80, 443 }\n\t}\n"
        text += "\tset more_ports {\n\t\ttype inet_service\n\t}\n"
        text += "\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n"
        text += "\t\tip saddr @role_s0_v4 tcp dport { 80, 443 } accept\n\t\tip saddr { 192.0.2.1, 192.0.2.7 } tcp dport @ports accept\n\t}\n}\n"
        return text
    }()

    @Test(arguments: Fixtures.all.map { [$0.listing, $0.table.name] } + [[manySets, "fwctl"]])
    func helpedReadIsTheSameRead(_ loaded: [String]) throws {
        let (listing, name) = (loaded[0], loaded[1])
        try TestNamespace.with { ns in
            try ns.nft("-f", "-", input: listing)
            let alone = try NftConnection(netnsPath: ns.path).readTable(family: .inet, name: name, known: nil)
            #expect(alone.table != nil)
            for _ in 0..<5 {
                let helped = try Self.helpedRead(ns.path, name)
                #expect(helped.table == alone.table && helped.generation == alone.generation)
            }
        }
    }

    /// The read on another thread, this thread helping as `NetlinkBackend.joinPrefetch` does.
    static func helpedRead(_ path: String, _ name: String) throws -> TableRead {
        final class Outcome: @unchecked Sendable { var read: Result<TableRead, any Error>? }
        let connection = try NftConnection(netnsPath: path)
        let help = DumpHelp()
        connection.dumpHelp = help
        let outcome = Outcome(), done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let reader = connection
        Thread.detachNewThread {
            outcome.read = Result { try reader.readTable(family: .inet, name: name, known: nil) }
            help.finish()
            done.signal()
        }
        help.help()
        done.wait()
        return try outcome.read!.get()
    }
}
