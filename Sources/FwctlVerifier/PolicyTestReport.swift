import FwctlEvaluator
import FwctlNet
import FwctlPolicy
import FwctlRuleset

/// Why an expectation does not hold: a concrete packet and what each end's chain does with it.
public struct ExpectationFailure: Hashable, Sendable {
    /// One end's chain on the packet: the deciding rule and its comment (the policy line).
    public struct Decision: Hashable, Sendable, CustomStringConvertible {
        public var host: String
        public var chain: String
        public var verdict: ChainVerdict
        /// The deciding rule's comment (`file:line: allow ...`); nil for the chain policy.
        public var comment: String?

        public init(host: String, chain: String, verdict: ChainVerdict, rules: [Rule]) {
            self.host = host
            self.chain = chain
            self.verdict = verdict
            comment = verdict.rule.flatMap { $0 < rules.count ? rules[$0].comment : nil }
        }

        /// Decided by one of the rules every host gets (essential ICMP, ping), not a policy flow.
        var isBaseRule: Bool { comment?.hasPrefix("fwctl:") ?? false }

        /// `web output: accept (rule 3) "policy.policy:12: allow web -> db : postgres"`.
        public var description: String {
            "\(host) \(chain): \(verdict)" + (comment.map { " \"\($0)\"" } ?? "")
        }
    }

    /// `not admitted` (allow/only), `admitted` (deny), `also admitted` (only).
    public var reason: String
    public var packet: Packet
    /// The source host's output chain, then the destination host's input chain (fleet ends only).
    public var ends: [Decision]
}

/// One expectation's outcome.
public struct ExpectationResult: Hashable, Sendable {
    public var expectation: Expectation
    public var failure: ExpectationFailure?
    /// Why no packet can ever pass between the ends (no common family, no addresses): an
    /// `allow` or `only` then fails, a `deny` holds trivially.
    public var vacuous: String? = nil
    public var passed: Bool { failure == nil && (vacuous == nil || expectation.kind == .deny) }

    /// `vacuous: WHY` (deny) or `never carries a packet: WHY` (allow, only).
    public var vacuityText: String? { vacuous.map { (passed ? "vacuous: " : "never carries a packet: ") + $0 } }
}

/// The outcome of every `test` block of a policy.
public struct PolicyTestReport: Hashable, Sendable {
    /// One `test "NAME" { ... }` block.
    public struct TestResult: Hashable, Sendable {
        public var name: String
        public var line: Int
        public var expectations: [ExpectationResult]
    }

    public var tests: [TestResult]

    /// The report of a policy without test blocks.
    public static let none = PolicyTestReport(tests: [])

    public var passed: Int { tests.reduce(0) { $0 + $1.expectations.filter(\.passed).count } }
    public var failed: Int { tests.reduce(0) { $0 + $1.expectations.filter { !$0.passed }.count } }

    /// `N passed, N failed` (expectations).
    public var summary: String { "\(passed) passed, \(failed) failed" }

    /// Each test and expectation with PASS/FAIL; a failure's packet and deciding rules; the summary.
    public func text() -> String {
        var out = ""
        for t in tests {
            out += "test \"\(t.name)\"\n"
            for e in t.expectations {
                let at = "\(e.expectation.range.file):\(e.expectation.range.start.line)"
                out += "  \(e.passed ? "PASS" : "FAIL") \(at): \(e.expectation.text)\n"
                if let v = e.vacuityText { out += "       \(v)\n" }
                guard let f = e.failure else { continue }
                out += "       \(f.reason): \(f.packet)\n"
                for d in f.ends { out += "       \(d.description)\n" }
            }
        }
        return out + summary + "\n"
    }
}
