import FwctlPolicy
import Testing

@Suite struct DidYouMeanTests {
    /// Host names on the command line: DNS compares them without case.
    @Test func ignoringCaseFindsAHostTypedInCapitals() {
        #expect(DidYouMean.suggestion(for: "WEB-01", among: ["web-01", "db-01"], ignoringCase: true) == "web-01")
        #expect(DidYouMean.suggestion(for: "WEB-01", among: ["web-01", "db-01"]) == nil)
    }

    @Test func aTypoInAHostName() {
        #expect(DidYouMean.suggestion(for: "web-1", among: ["web-01", "db-01"], ignoringCase: true) == "web-01")
        #expect(DidYouMean.suggestion(for: "nosuch", among: ["web-01", "db-01"], ignoringCase: true) == nil)
    }
}
