import CNftnl

/// Maps a kernel extended-ack offset (NLMSGERR_ATTR_OFFS: bytes from the start of the
/// failing message) back to the rule expression it points into.
///
/// A NEWRULE message is nlmsghdr + nfgenmsg, then attributes; NFTA_RULE_EXPRESSIONS nests
/// one NFTA_LIST_ELEM per kernel expression, each holding NFTA_EXPR_NAME.
enum ExtAck {
    static let rulesExpressions = UInt16(NFTA_RULE_EXPRESSIONS.rawValue)
    static let exprName = UInt16(NFTA_EXPR_NAME.rawValue)
    static let payloadStart = MemoryLayout<nlmsghdr>.size + MemoryLayout<nfgenmsg>.size

    /// The index (0-based) and name of the kernel expression containing `offset`.
    static func kernelExpression(in message: [UInt8], at offset: UInt32) -> (index: Int, name: String)? {
        let off = Int(offset)
        func contains(_ a: NetlinkAttribute) -> Bool { off >= a.offset && off < a.offset + 4 + a.payload.count }
        var found: (Int, String)?
        message.withUnsafeBytes { raw in
            NetlinkAttributes.forEach(raw, from: payloadStart, to: raw.count) { list in
                guard list.type == rulesExpressions, contains(list) else { return true }
                var index = 0
                NetlinkAttributes.forEach(nestedIn: list, of: raw) { element in
                    defer { index += 1 }
                    guard contains(element) else { return true }
                    var name = "?"
                    NetlinkAttributes.forEach(nestedIn: element, of: raw) { a in
                        if a.type == exprName { name = String(decoding: a.payload.prefix { $0 != 0 }, as: UTF8.self) }
                        return a.type != exprName
                    }
                    found = (index, name)
                    return false
                }
                return false
            }
        }
        return found
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
}
