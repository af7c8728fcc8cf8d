import FwctlKernel
import FwctlPlanner
import FwctlRuleset

extension ApplySession {
    /// `fwctl apply FILE`: the saved plan made again now against the kernel and `desired`,
    /// refused unless it is the same (see `SavedPlan`). The plan returned carries today's
    /// generation, which its batch is guarded by.
    public func plan(saved: PlanFile, toward desired: Table, host: String, policySHA256: String?) throws -> Plan {
        let plan = try ApplyError.explained {
            try SavedPlan.replan(saved, toward: desired, host: host, policySHA256: policySHA256, backend: backend)
        }
        if let was = saved.plan.generation, let now = plan.generation, was != now {
            backend.notice("the ruleset moved on since the plan was made (generation \(was), now \(now)), but not fwctl's table: the saved plan still holds")
        }
        return plan
    }
}
