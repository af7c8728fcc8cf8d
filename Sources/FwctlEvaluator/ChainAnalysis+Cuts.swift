import FwctlNet

extension ChainAnalysis {
    /// Where the chain's peer address classes of `family` start: addresses between two
    /// consecutive cuts are treated alike by every rule. The fleet layer groups hosts by them.
    package func addressCuts(_ family: IPFamily) -> [UInt128] { space(family).addresses.cuts }

    /// The lower bounds of the port (or ICMP type) pieces of `proto`, in both families: values
    /// between two consecutive bounds are treated alike by every rule.
    package func pieceStarts(proto: UInt8) -> Set<Int> {
        var starts = Set<Int>()
        for space in spaces {
            for piece in space.services.pieces where piece.proto == proto && piece.kind != .unnamed { starts.insert(piece.lo) }
        }
        return starts
    }
}
