/// SplitMix64: a tiny seeded generator, for what must not depend on process state: the
/// evaluator's class tags, and random test cases that replay from their seed on every
/// machine (the standard library's generator is not seedable).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    // Inlinable: the evaluator draws a tag per address cut.
    @usableFromInline var state: UInt64

    @inlinable public init(seed: UInt64) { state = seed }

    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
