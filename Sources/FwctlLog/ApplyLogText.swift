import FwctlNet
import FwctlPlanner

/// The apply log as `fwctl audit log` prints it for people.
extension ApplyLogEntry {
    /// One entry: a head line (`#seq time host action outcome by user`, with the kernel
    /// generations), then its summary, the policy's commit and hash and the changes, indented.
    public var text: String {
        var out = "#\(seq) \(time) \(host) \(action.rawValue) \(outcome) by \(actor.text)"
        if let before = generationBefore { out += " generation \(before)" + (generationAfter.map { " -> \($0)" } ?? "") }
        out += "\n"
        if let s = summary { out += "    \(s.line)\n" }
        if let c = policy.commit { out += "    policy commit \(c)\(policy.dirty == true ? " (with uncommitted changes)" : "")\n" }
        if let h = policy.sha256 { out += "    policy sha256 \(h)\n" }
        for line in changes { out += "    \(line)\n" }
        return out
    }
}

extension ApplyLogVerifier.Report {
    /// The check of the log at `path`: each problem and unfinished apply on a line naming the
    /// file, then intact or BROKEN with the counts, then the head hash to keep elsewhere.
    public func text(path: String) -> String {
        var out = problems.map { "\(path): \($0.kind.rawValue): \($0.message)\n" }.joined()
        out += unfinished.map { "\(path): note: seq \($0) is an apply that started and recorded no result (fwctl died midway?): check the loaded ruleset\n" }.joined()
        out += intact ? "\(path): intact, \(counted(entries, "entry", "entries")).\n" : "\(path): BROKEN: \(counted(problems.count, "problem")) in \(counted(entries, "entry", "entries")).\n"
        out += "head \(head ?? ApplyLogEntry.genesis)\n"
        return out
    }
}
