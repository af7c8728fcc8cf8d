import FwctlRuleset
import Testing
@testable import FwctlApply

/// `fwctl apply`'s closing line, from the outcome.
@Suite struct ApplyOutcomeTextTests {
    @Test func aCheckChangesNothing() {
        let outcome = ApplySession.Outcome(generation: 12, pending: nil)
        #expect(outcome.text(check: true, confirmSeconds: nil) == "Check passed: the kernel accepts every change; nothing was applied.\n")
    }

    @Test func anApplyNamesTheGenerationWhenKnown() {
        #expect(ApplySession.Outcome(generation: 12, pending: nil).text(check: false, confirmSeconds: nil) == "Applied (kernel generation 12).\n")
        #expect(ApplySession.Outcome(generation: nil, pending: nil).text(check: false, confirmSeconds: nil) == "Applied.\n")
    }

    @Test func aProvisionalApplyNamesItsWindowAndWatchdog() {
        let pending = PendingConfirmation(table: TableRef(family: .inet, name: "fwctl"), previous: nil, deadline: 0, watchdogPID: 4242)
        let outcome = ApplySession.Outcome(generation: 13, pending: pending)
        #expect(outcome.text(check: false, confirmSeconds: 15) == "Applied. Run `fwctl confirm` within 15 s to keep it, or the previous ruleset comes back by itself (watchdog pid 4242).\n")
    }

    /// A confirm deadline in apply's messages: UTC, and it says so (the operator may be in
    /// another zone than the server); seconds dropped, never rounded into the next one.
    @Test func aDeadlineIsGivenInUTC() {
        #expect(ApplySession.time(1_795_874_191.9) == "13:56:31 UTC")
        #expect(ApplySession.time(0) == "00:00:00 UTC")
    }
}
