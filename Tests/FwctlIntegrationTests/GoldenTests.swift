import Foundation
import Testing
import FwctlRuleset

/// Every bundled policy × host, rendered as nft text and JSON, byte for byte against
/// Tests/Golden/<policy>/<host>.{nft,json}. `FWCTL_RECORD=1` rewrites the files and fails,
/// so nobody records by accident.
@Suite struct GoldenTests {
    static let recording = ProcessInfo.processInfo.environment["FWCTL_RECORD"] == "1"

    @Test func bundledPoliciesMatchTheirGoldenFiles() throws {
        let compiled = try Repo.compiledBundled()
        #expect(compiled.count >= 10)
        var recorded: [String] = []
        for (policy, host, ruleset) in compiled {
            let dir = Repo.golden.appendingPathComponent((policy as NSString).deletingPathExtension)
            for (ext, text) in [("nft", NftText.render(ruleset)), ("json", NftJSON.render(ruleset))] {
                let file = dir.appendingPathComponent("\(host).\(ext)")
                if Self.recording {
                    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
                    try text.write(to: file, atomically: false, encoding: .utf8)
                    recorded.append(file.lastPathComponent)
                    continue
                }
                let expected = try? String(contentsOf: file, encoding: .utf8)
                #expect(expected != nil, "missing golden file \(file.path); record with FWCTL_RECORD=1")
                if let expected { #expect(text == expected, "\(policy) \(host).\(ext) differs from its golden file") }
            }
        }
        #expect(!Self.recording, "recorded \(recorded.count) golden files; unset FWCTL_RECORD and run again")
    }

    @Test func compilingTwiceIsByteIdentical() throws {
        let a = try Repo.compiledBundled().map { NftText.render($0.ruleset) + NftJSON.render($0.ruleset) }
        let b = try Repo.compiledBundled().map { NftText.render($0.ruleset) + NftJSON.render($0.ruleset) }
        #expect(a == b)
    }
}
