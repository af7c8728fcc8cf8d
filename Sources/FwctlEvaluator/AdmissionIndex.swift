import FwctlNet
import FwctlRuleset

/// What one chain admits, indexed by family and protocol, for the fleet layer's many queries.
///
/// Per protocol, a list of entries `peers × values` (values: destination ports, ICMP types, or
/// just 0 for protocols without either). Address classes admitting the same values share an
/// entry; entries of one protocol have disjoint peers. Rate-limited admission counts as
/// admission: some of those packets get through.
///
/// Built inside the evaluator (it reads the evaluated cells), queried by the fleet layer in
/// its hottest loops: the queries are `@inlinable` so they are specialised there.
@usableFromInline package struct AdmissionIndex: Sendable {
    @usableFromInline package struct Entry: Sendable {
        @usableFromInline package var peers: Spans<UInt128>
        @usableFromInline package var values: Spans<UInt16>

        @inlinable package init(peers: Spans<UInt128>, values: Spans<UInt16>) {
            self.peers = peers
            self.values = values
        }
    }

    @usableFromInline package struct FamilyIndex: Sendable {
        /// Entries of each protocol a rule names.
        @usableFromInline package var named: [UInt8: [Entry]] = [:]
        @usableFromInline package var isNamed = [Bool](repeating: false, count: 256)
        /// Entries shared by every protocol no rule names.
        @usableFromInline package var unnamed: [Entry] = []

        @inlinable package func entries(_ proto: UInt8) -> [Entry] {
            isNamed[Int(proto)] ? named[proto] ?? [] : unnamed
        }
    }

    @usableFromInline package let families: [FamilyIndex]

    /// A chain that admits everything (a host without such a chain).
    package static let all: AdmissionIndex = {
        var f = FamilyIndex()
        f.unnamed = [Entry(peers: .full, values: .full)]
        return AdmissionIndex(families: [f, f])
    }()

    init(families: [FamilyIndex]) { self.families = families }

    package init(_ analysis: ChainAnalysis) {
        families = analysis.spaces.map { s in
            var index = FamilyIndex()
            for r in s.services.named.intervals { for p in r { index.isNamed[Int(p)] = true } }
            let classes = s.addresses.classSpans()
            let pieces = s.services.pieces
            for k in 0..<s.addresses.classCount {
                // Pieces come in protocol order, values ascending within a protocol.
                var current: (key: Int, values: Spans<UInt16>)? = nil
                func flush() {
                    guard let c = current else { return }
                    if c.key < 0 { Self.add(&index.unnamed, classes[k], c.values) }
                    else { Self.add(&index.named[UInt8(c.key), default: []], classes[k], c.values) }
                    current = nil
                }
                let deciders = s.deciders.row(class: k, pieces: pieces.count), limits = s.limits.row(class: k, pieces: pieces.count)
                for (p, piece) in pieces.enumerated() where analysis.verdict(decider: Int(deciders[p]), limited: Int(limits[p])).verdict.admits {
                    let key = piece.kind == .unnamed ? -1 : Int(piece.proto)
                    if current?.key != key { flush(); current = (key, Spans()) }
                    current!.values.append(UInt16(piece.lo)...UInt16(piece.hi))
                }
                flush()
            }
            return index
        }
    }

    /// Merges classes admitting the same values into one entry.
    private static func add(_ entries: inout [Entry], _ peers: Spans<UInt128>, _ values: Spans<UInt16>) {
        if let i = entries.firstIndex(where: { $0.values == values }) { entries[i].peers.formUnion(peers) }
        else { entries.append(Entry(peers: peers, values: values)) }
    }

    @inlinable package func family(_ f: IPFamily) -> FamilyIndex { families[f == .v4 ? 0 : 1] }

    /// The values of `proto` admitted for at least one of `peers`.
    @inlinable package func values(_ f: IPFamily, proto: UInt8, peers: Spans<UInt128>) -> Spans<UInt16> {
        var out = Spans<UInt16>()
        for e in family(f).entries(proto) where e.peers.intersects(peers) { out.formUnion(e.values) }
        return out
    }

    /// Peers admitted for at least one of `values` of `proto` (`all`: for every one of them).
    @inlinable package func peers(_ f: IPFamily, proto: UInt8, values: Spans<UInt16>, all: Bool) -> Spans<UInt128> {
        var out = Spans<UInt128>()
        for e in family(f).entries(proto) where all ? e.values.isSuperset(of: values) : e.values.intersects(values) {
            out.formUnion(e.peers)
        }
        return out
    }
}
