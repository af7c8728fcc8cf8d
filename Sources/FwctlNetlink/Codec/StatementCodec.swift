import FwctlRuleset

/// Statements that are one kernel expression each: counter, limit, log and the verdict
/// (`immediate reg 0 <verdict>`).
enum StatementCodec {
    static func encode(_ e: Expression) -> [KernelExpr] {
        switch e {
        case .counter(let p, let b):
            // Giving the old values keeps a replaced rule's counters (they restart otherwise).
            return [.counter(packets: p, bytes: b)]
        case .limit(let rate, let per, let burst):
            return [.limit(rate: rate, unit: per.seconds, burst: burst, type: 0, flags: 0)]
        case .log(let prefix, let level):
            return [.log(prefix: prefix, level: level?.number)]
        case .verdict(let v):
            switch v {
            case .accept: return [.verdict(code: NFT.accept, chain: nil)]
            case .drop: return [.verdict(code: NFT.drop, chain: nil)]
            case .return: return [.verdict(code: NFT.return, chain: nil)]
            case .jump(let c): return [.verdict(code: NFT.jump, chain: c)]
            case .goto(let c): return [.verdict(code: NFT.goto, chain: c)]
            }
        default:
            return []
        }
    }

    static func decode(_ c: inout ExprCursor, _ ctx: DecodeContext) -> Expression? {
        switch c.next() {
        case .counter(let p, let b)?:
            return .counter(packets: p, bytes: b)
        case .limit(let rate, let unit, let burst, 0, 0)?:
            guard let per = LimitUnit.allCases.first(where: { $0.seconds == unit }) else { return nil }
            return .limit(rate: rate, per: per, burst: burst)
        case .log(let prefix, let level)?:
            if let level, level >= LogLevel.allCases.count { return nil }
            // The kernel reports its default level (warn) even when none was given, and nft
            // then prints none: decode it as "no level" like nft does.
            let given = level == LogLevel.warn.number ? nil : level
            return .log(prefix: prefix, level: given.map { LogLevel.allCases[Int($0)] })
        case .verdict(let code, let chain)?:
            switch (code, chain) {
            case (NFT.accept, nil): return .verdict(.accept)
            case (NFT.drop, nil): return .verdict(.drop)
            case (NFT.return, nil): return .verdict(.return)
            case (NFT.jump, let c?): return .verdict(.jump(c))
            case (NFT.goto, let c?): return .verdict(.goto(c))
            default: return nil
            }
        default:
            return nil
        }
    }
}
