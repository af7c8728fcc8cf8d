import FwctlRuleset
import Testing

/// A hand-built chain, the named sets it looks up, and what evaluating it must find: one case
/// of a table-driven test (`ChainEvaluatorTests`, `UnreachableTests`).
struct ChainCase<Expected: Sendable>: CustomTestStringConvertible, Sendable {
    var name: String
    var chain: Chain
    var sets: [NamedSet] = []
    var expect: Expected
    var testDescription: String { name }
}
