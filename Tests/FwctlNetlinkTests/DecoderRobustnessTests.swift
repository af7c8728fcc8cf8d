import FwctlRuleset
import Testing
@testable import FwctlNetlink

/// Whatever a hand-edited table holds, decoding never traps: random sequences drawn from
/// near-miss kernel expressions (wrong lengths, odd ops, foreign sets) always decode.
@Suite struct DecoderRobustnessTests {
    /// A small deterministic generator (64-bit LCG) so a failure reproduces.
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let pool: [KernelExpr] = {
        var p: [KernelExpr] = []
        for key: UInt32 in [4, 5, 15, 16, 3] { p.append(.meta(key: key, dreg: 1)) }
        p.append(.meta(key: 15, dreg: 2))
        for op: UInt32 in [0, 1, 3, 5, 2] {
            for data: [UInt8] in [[], [2], [10], [6], [58], [1], [0, 80], [0x1f, 0x40], [1, 0, 0, 0], [0, 0, 0, 0],
                                  [10, 0, 0, 1], [9, 0, 0, 0], Array(repeating: 0xff, count: 16), [0x20, 1, 0xd, 0xb8]] {
                p.append(.cmp(op: op, sreg: 1, data: data))
            }
        }
        for (base, offset, len): (UInt32, UInt32, UInt32) in [(1, 12, 4), (1, 16, 4), (1, 8, 16), (1, 24, 16), (1, 12, 3), (1, 12, 0),
                                                              (1, 9, 1), (2, 0, 2), (2, 2, 2), (2, 0, 1), (2, 13, 1), (0, 12, 6)] {
            p.append(.payload(base: base, offset: offset, len: len, dreg: 1))
        }
        for mask: [UInt8] in [[6, 0, 0, 0], [0xff, 0xff, 0xf0, 0], [0xff, 0, 0xff, 0], [], [2], Array(repeating: 0xff, count: 16)] {
            p.append(.bitwise(sreg: 1, dreg: 1, mask: mask, xor: Array(repeating: 0, count: mask.count)))
        }
        p.append(.bitwise(sreg: 1, dreg: 1, mask: [1, 0, 0, 0], xor: [1, 0, 0, 0]))
        for name in ["web", "__set0", "__set1", "__set2", "__set3", "__set9"] { p.append(.lookup(sreg: 1, set: name, setID: nil)) }
        p += [.ct(key: 0, dreg: 1), .ct(key: 3, dreg: 1), .counter(packets: 1, bytes: 2),
              .limit(rate: 1, unit: 1, burst: 5, type: 0, flags: 0), .limit(rate: 1, unit: 7, burst: 5, type: 0, flags: 0),
              .limit(rate: 1, unit: 1, burst: 5, type: 1, flags: 0), .log(prefix: "x", level: 6), .log(prefix: nil, level: 99),
              .verdict(code: 1, chain: nil), .verdict(code: -3, chain: nil), .verdict(code: -3, chain: "c"), .verdict(code: 7, chain: nil),
              .other("meta set mark with reg 1")]
        return p
    }()

    static var context: DecodeContext {
        var c = DecodeContext()
        c.interfaceName = { $0 == 1 ? "lo" : nil }
        // Anonymous sets of every shape, some not matching what a rule expects.
        c.anonymousSets["__set0"] = (.inetService, [KernelSetElement(key: [0, 80]), KernelSetElement(key: [0, 81], isEnd: true)], true)
        c.anonymousSets["__set1"] = (.ipv4, [KernelSetElement(key: [10, 0, 0, 1])], false)
        c.anonymousSets["__set2"] = (.icmpType, [KernelSetElement(key: [8]), KernelSetElement(key: [0, 0])], false)
        c.anonymousSets["__set3"] = (SetKeyFormat(datatype: 13, length: 4, byteorder: 2), [KernelSetElement(key: [0, 1, 0, 0])], false)
        return c
    }

    /// Decoding never traps and loses nothing: an expression no decoder knows is kept, in
    /// words, in an `unknown` expression (so plan and verify see a rule they cannot model
    /// instead of a shorter rule), and no statement is decoded that the kernel rule lacks.
    @Test func randomSequencesAlwaysDecode() {
        var rng = LCG(state: 20261128)
        let ctx = Self.context
        var unknowns = 0
        for _ in 0..<5000 {
            let exprs = (0..<(1 + rng.next(8))).map { _ in Self.pool[rng.next(Self.pool.count)] }
            let decoded = RuleCodec.decode(exprs, context: ctx)
            let unknown = decoded.compactMap { if case .unknown(let text) = $0 { text } else { nil } }.joined(separator: "; ")
            unknowns += unknown.isEmpty ? 0 : 1
            for case .other(let text) in exprs {
                #expect(unknown.contains(text), "\(exprs.map(\.text)) decoded as \(decoded)")
            }
            #expect(Self.statements(decoded) <= exprs.count { Self.isStatement($0) }, "\(exprs.map(\.text)) decoded as \(decoded)")
        }
        // The pool is made of near misses: most sequences hold something no decoder knows.
        #expect(unknowns > 1000)
    }

    static func statements(_ decoded: [Expression]) -> Int {
        decoded.count {
            switch $0 {
            case .counter, .limit, .log, .verdict: true
            default: false
            }
        }
    }

    static func isStatement(_ e: KernelExpr) -> Bool {
        switch e {
        case .counter, .limit, .log, .verdict: true
        default: false
        }
    }
}
