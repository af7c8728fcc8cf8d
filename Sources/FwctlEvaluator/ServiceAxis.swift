import FwctlNet

/// The protocol × port (or ICMP type) space of one family, cut at every boundary the chain's
/// rules mention.
///
/// Every protocol a rule names gets its own pieces (tcp, udp, sctp, ICMP of the family always
/// do, so port-carrying packets never fall into the catch-all); port protocols are cut at
/// port boundaries, the family's ICMP at type boundaries; all unnamed protocols share one
/// last piece.
struct ServiceAxis {
    /// One piece: a protocol (or the unnamed ones) and a closed range of ports or types.
    struct Piece {
        enum Kind { case ports, icmp, plain, unnamed }
        var proto: UInt8
        var kind: Kind
        var lo: Int
        var hi: Int
    }

    let family: IPFamily
    private(set) var pieces: [Piece] = []
    /// First piece of each named protocol; -1 for unnamed ones.
    private var first = [Int32](repeating: -1, count: 256)
    /// Cuts (piece lower bounds) of each protocol that has several pieces.
    private var cuts: [UInt8: [Int]] = [:]
    /// Protocols that rules name (the rest share the last piece).
    let named: IntervalSet<UInt8>

    init(family: IPFamily, conditions: [RuleCondition]) {
        self.family = family
        var protos: Set<UInt8> = [1, 6, 17, 58, 132]
        var portBounds: [UInt8: Set<Int>] = [6: [0], 17: [0], 132: [0]]
        var icmpBounds: Set<Int> = [0]
        for c in conditions where c.allows(family) {
            if let p = c.protos { for r in p.ranges { for v in r { protos.insert(v) } } }
            for (p, set) in c.ports {
                for r in set.ranges {
                    portBounds[p, default: [0]].insert(Int(r.lowerBound))
                    portBounds[p, default: [0]].insert(Int(r.upperBound) + 1)
                }
            }
            if let t = c.icmpTypes {
                for r in t.ranges { icmpBounds.insert(Int(r.lowerBound)); icmpBounds.insert(Int(r.upperBound) + 1) }
            }
        }
        for p in protos.sorted() {
            first[Int(p)] = Int32(pieces.count)
            if hasPorts(p) {
                let bounds = portBounds[p, default: [0]].filter { $0 <= 65535 }.sorted()
                cuts[p] = bounds
                for (i, b) in bounds.enumerated() {
                    pieces.append(Piece(proto: p, kind: .ports, lo: b, hi: i + 1 < bounds.count ? bounds[i + 1] - 1 : 65535))
                }
            } else if p == family.icmpProtocol {
                let bounds = icmpBounds.filter { $0 <= 255 }.sorted()
                cuts[p] = bounds
                for (i, b) in bounds.enumerated() {
                    pieces.append(Piece(proto: p, kind: .icmp, lo: b, hi: i + 1 < bounds.count ? bounds[i + 1] - 1 : 255))
                }
            } else {
                pieces.append(Piece(proto: p, kind: .plain, lo: 0, hi: 0))
            }
        }
        named = IntervalSet(protos.map { $0...$0 })
        if !named.isFull {
            pieces.append(Piece(proto: named.complement.intervals[0].lowerBound, kind: .unnamed, lo: 0, hi: 0))
        }
    }

    var words: Int { (pieces.count + 63) / 64 }

    /// The piece a packet's protocol and port (or ICMP type) fall into.
    func piece(proto: UInt8, port: UInt16?, icmpType: UInt8?) -> Int {
        let f = Int(first[Int(proto)])
        guard f >= 0 else { return pieces.count - 1 }
        guard let bounds = cuts[proto] else { return f }
        let value: Int
        switch pieces[f].kind {
        case .ports: value = Int(port ?? 0)
        case .icmp: value = Int(icmpType ?? 0)
        default: return f
        }
        var lo = 0, hi = bounds.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if bounds[mid] <= value { lo = mid } else { hi = mid }
        }
        return f + lo
    }

    /// The pieces a rule's protocol, port and type constraints take, as a bitset: whole
    /// protocols and port (type) ranges found by binary search, not piece by piece.
    func mask(for c: RuleCondition) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: words)
        guard let protos = c.protos else {
            // No protocol named: no port or type constraint either (each names its protocol).
            Self.set(&bits, 0..<pieces.count)
            return bits
        }
        for r in protos.ranges {
            for p in r {
                let f = Int(first[Int(p)])
                guard f >= 0 else { continue }   // every protocol a rule names has pieces
                let count = cuts[p]?.count ?? 1
                switch pieces[f].kind {
                case .ports:
                    guard c.icmpTypes == nil else { continue }
                    guard let ports = c.ports[p] else { Self.set(&bits, f..<f + count); continue }
                    for iv in ports.ranges { Self.set(&bits, f + index(Int(iv.lowerBound), p)..<f + index(Int(iv.upperBound), p) + 1) }
                case .icmp:
                    guard c.ports[p] == nil else { continue }
                    guard let types = c.icmpTypes else { Self.set(&bits, f..<f + count); continue }
                    for iv in types.ranges { Self.set(&bits, f + index(Int(iv.lowerBound), p)..<f + index(Int(iv.upperBound), p) + 1) }
                case .plain, .unnamed:
                    guard c.ports[p] == nil, c.icmpTypes == nil else { continue }
                    Self.set(&bits, f..<f + 1)
                }
            }
        }
        return bits
    }

    /// The index, among `proto`'s pieces, of the one holding `value`.
    private func index(_ value: Int, _ proto: UInt8) -> Int {
        guard let bounds = cuts[proto] else { return 0 }
        var lo = 0, hi = bounds.count
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if bounds[mid] <= value { lo = mid } else { hi = mid }
        }
        return lo
    }

    private static func set(_ bits: inout [UInt64], _ range: Range<Int>) {
        for i in range { bits[i >> 6] |= 1 << UInt64(i & 63) }
    }
}
