import Foundation

extension ApplyLog {
    /// A host's latest concluded entry (apply, rollback or confirm; not one still `started`),
    /// as an audit reports it.
    public struct Concluded: Equatable, Sendable {
        public var time: String
        public var user: String
        /// The outcome of an apply (`applied`, `failed`, ...); of anything else, prefixed
        /// with the action (`rollback: rolled-back`).
        public var outcome: String
        public var policySHA256: String
        public var generation: UInt32?
    }

    /// Each host's latest concluded entry in the log at `named`, which must then exist, or
    /// else in the one at `defaultPath` when it exists. A log whose hash chain is broken is
    /// still read, with a warning; one that cannot be parsed gives no entries and a warning.
    public static func lastConcluded(named: String?, defaultPath: String) throws -> (byHost: [String: Concluded], warnings: [String]) {
        let path = named ?? defaultPath
        guard named != nil || FileManager.default.isReadableFile(atPath: path) else { return ([:], []) }
        let log = ApplyLog(path: path)
        guard let data = try log.read() else {
            if named != nil { throw ApplyLogError.missing(path: path) }
            return ([:], [])
        }
        var warnings: [String] = []
        if !ApplyLogVerifier.verify(data).intact {
            warnings.append("the apply log \(path) fails its hash-chain check; run `fwctl audit log --verify --log \(path)`")
        }
        let entries: [ApplyLogEntry]
        do { entries = try log.entries() } catch { return ([:], warnings + ["no last apply in the report: \(error)"]) }
        var last: [String: Concluded] = [:]
        for e in entries where e.outcome != "started" {
            last[e.host] = Concluded(time: e.time, user: e.actor.text, outcome: e.action == .apply ? e.outcome : "\(e.action.rawValue): \(e.outcome)",
                                     policySHA256: e.policy.sha256 ?? "", generation: e.generationAfter)
        }
        return (last, warnings)
    }
}
