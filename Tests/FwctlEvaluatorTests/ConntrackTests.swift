import FwctlEvaluatorTestSupport
import FwctlNet
import FwctlRuleset
import Testing
@testable import FwctlEvaluator

/// Established/related accepted before any drop, invalid dropped before any accept.
@Suite struct ConntrackTests {
    static let established = [Expression.ctState([.established, .related]), B.counter, B.accept]
    static let invalid = [Expression.ctState(.invalid), B.drop]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var rules: [[Expression]]
        var expect: ConntrackCheck
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "fwctl's head", rules: [established, invalid, [B.saddr("10.0.0.0/8"), B.drop], [B.tcp(22...22), B.accept]],
             expect: ConntrackCheck(acceptsEstablished: 0, dropsEstablished: [], dropsInvalid: 1, acceptsInvalid: [])),
        Case(name: "a deny before the established rule", rules: [[B.saddr("10.0.0.0/8"), B.drop], established, invalid],
             expect: ConntrackCheck(acceptsEstablished: nil, dropsEstablished: [0], dropsInvalid: 2, acceptsInvalid: [])),
        Case(name: "an accept before the invalid drop", rules: [established, [B.tcp(22...22), B.accept], invalid],
             expect: ConntrackCheck(acceptsEstablished: 0, dropsEstablished: [], dropsInvalid: nil, acceptsInvalid: [1])),
        Case(name: "established only (related missing), and no invalid rule",
             rules: [[.ctState(.established), B.accept], [.ctState(.new), B.tcp(22...22), B.drop]],
             expect: ConntrackCheck(acceptsEstablished: nil, dropsEstablished: [], dropsInvalid: nil, acceptsInvalid: [])),
        Case(name: "a narrowed established rule does not count",
             rules: [[.ctState([.established, .related]), B.saddr("10.0.0.0/8"), B.accept], invalid, established],
             expect: ConntrackCheck(acceptsEstablished: 2, dropsEstablished: [], dropsInvalid: 1, acceptsInvalid: [])),
    ]

    @Test(arguments: cases)
    func check(_ c: Case) {
        let check = ConntrackCheck(B.chain(.drop, c.rules))
        #expect(check == c.expect)
        #expect(check.isSound == (c.expect.acceptsEstablished != nil && c.expect.dropsInvalid != nil))
    }
}
