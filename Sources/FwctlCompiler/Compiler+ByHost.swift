import FwctlRuleset

extension Compiler {
    /// Every host's ruleset by host name, each distinct table compiled once (`compileAll`):
    /// what the verifier's fleet-wide views (tests, matrices, diff) are given.
    public func rulesetsByHost() -> [String: Ruleset] {
        Dictionary(compileAll().map { ($0.host, $0.ruleset) }, uniquingKeysWith: { a, _ in a })
    }
}
