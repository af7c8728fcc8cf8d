/// Maps a kernel extended-ack offset (NLMSGERR_ATTR_OFFS: bytes from the start of the
/// failing message) back to the rule expression it points into.
///
/// A NEWRULE message is nlmsghdr (16) + nfgenmsg (4), then attributes; NFTA_RULE_EXPRESSIONS
/// (4) nests one NFTA_LIST_ELEM per kernel expression, each holding NFTA_EXPR_NAME (1).
enum ExtAck {
    static let rulesExpressions: UInt16 = 4
    static let exprName: UInt16 = 1

    /// The index (0-based) and name of the kernel expression containing `offset`.
    static func kernelExpression(in message: [UInt8], at offset: UInt32) -> (index: Int, name: String)? {
        let off = Int(offset)
        for (type, start, end) in attributes(message, from: 20, to: message.count) where type == rulesExpressions {
            guard off >= start, off < end else { return nil }
            for (i, (_, eStart, eEnd)) in attributes(message, from: start + 4, to: end).enumerated() where off >= eStart && off < eEnd {
                let name = attributes(message, from: eStart + 4, to: eEnd).first { $0.type == exprName }.map {
                    String(decoding: message[($0.start + 4)..<$0.end].prefix { $0 != 0 }, as: UTF8.self)
                }
                return (i, name ?? "?")
            }
        }
        return nil
    }

    /// Describes the model expression (1-based) that lowered to the kernel expression at
    /// `offset`, given how many kernel expressions each model expression produced.
    static func describe(_ message: BatchMessage, offset: UInt32) -> String? {
        guard !message.expressionSpans.isEmpty,
              let (index, name) = kernelExpression(in: message.bytes, at: offset) else { return nil }
        var first = 0
        for (i, span) in message.expressionSpans.enumerated() {
            if index < first + span { return "expression \(i + 1) of the rule (kernel \(name))" }
            first += span
        }
        return nil
    }

    /// (type, start, end) of each attribute in [from, to), netlink-aligned; stops at a bad length.
    static func attributes(_ m: [UInt8], from: Int, to: Int) -> [(type: UInt16, start: Int, end: Int)] {
        var out: [(UInt16, Int, Int)] = []
        var i = from
        while i + 4 <= min(to, m.count) {
            let len = Int(UInt16(m[i]) | UInt16(m[i + 1]) << 8)
            let type = (UInt16(m[i + 2]) | UInt16(m[i + 3]) << 8) & 0x3fff
            guard len >= 4, i + len <= min(to, m.count) else { break }
            out.append((type, i, i + len))
            i += align4(len)
        }
        return out
    }
}
