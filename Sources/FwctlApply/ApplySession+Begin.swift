import FwctlKernel
import FwctlLog
import FwctlPlanner
import FwctlRuleset

extension ApplySession {
    /// A session for `fwctl plan` and `fwctl apply`: the host lock held; with `recovering`,
    /// an apply that died midway is first settled in that log (`note` says what was found);
    /// `refresh` set; and the kernel's dump of the likely table started on another core, so
    /// it runs while the caller compiles the policy.
    public static func begin(stateDirectory: String, lockTimeout: Double, refresh: Bool,
                             recovering log: ApplyLog? = nil) throws -> (session: ApplySession, note: String?) {
        let session = try ApplySession(stateDirectory: stateDirectory, lockTimeout: lockTimeout)
        let note: String?
        do { note = try log.flatMap { try session.recoverUnfinished(log: $0) } } catch {
            session.release()
            throw error
        }
        session.backend.refresh = refresh
        session.backend.prefetch(session.backend.likelyTable())
        return (session, note)
    }

    /// The plan toward `desired`, afresh or from a saved plan. A saved plan is only what was
    /// approved: it is made again now and given only if the same (`plan(saved:...)`); the
    /// policy's hash is asked for only then.
    public func plan(saved: PlanFile?, toward desired: Table, host: String, policySHA256: () -> String?) throws -> Plan {
        guard let saved else { return try plan(toward: desired) }
        return try plan(saved: saved, toward: desired, host: host, policySHA256: policySHA256())
    }
}
