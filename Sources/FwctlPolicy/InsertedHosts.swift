import FwctlNet

/// Whether hosts a `HostInsertion` adds are ones `check` would accept beside the policy's
/// other hosts: names within the length limit, and addresses no other host has
/// (`E-name-too-long`, `E-shared-address`), unicast (`E-host-not-unicast`; any address in
/// those blocks declines, which errs towards the full check). A fast path that skips the full check must ask.
public enum InsertedHosts {
    /// `files`: the bytes of every file of the policy before the edit (which checked clean);
    /// `known`: every host address of that policy, when the caller has it (then the files'
    /// host entries need not be read).
    public static func admissible(_ hosts: [HostInsertion.NewHost], known: AddressSet? = nil, files: [[UInt8]]) -> Bool {
        guard hosts.allSatisfy({ $0.name.utf8.count <= Sema.maxNameBytes && !Sema.meetsNonUnicast($0.addresses) }) else { return false }
        var added = AddressSet()
        for h in hosts {
            guard !added.intersects(h.addresses) else { return false }
            added.formUnion(h.addresses)
        }
        if let known { return !known.intersects(added) }
        let ranges = added.ranges(.v4) + added.ranges(.v6)
        return !files.contains { hostAddresses(in: $0, meet: ranges) }
    }

    /// Whether an address of some `host NAME = ADDR, ...` item of `bytes` meets one of
    /// `ranges` (a handful: the inserted hosts'). Every host address is one word of a host
    /// item, so reading the items' words is exact; each is compared with the few ranges
    /// directly, as this runs over every host of a large policy.
    static func hostAddresses(in bytes: [UInt8], meet ranges: [AddressRange]) -> Bool {
        enum State { case none, keyword, name, address, separator }
        var lexer = Lexer(bytes: bytes)
        var state = State.none
        while true {
            let t = lexer.next()
            guard t.kind != .eof else { return false }
            switch (state, t.kind) {
            case (.keyword, .word): state = .name
            case (.name, .equals), (.separator, .comma): state = .address
            case (.address, .word):
                let text = String(decoding: bytes[t.start..<t.end], as: UTF8.self)
                if case .success(let parsed) = AddressLiteral.parse(text),
                   ranges.contains(where: { $0.lower.family == parsed.value.lower.family
                       && !(parsed.value.upper < $0.lower) && !($0.upper < parsed.value.lower) }) {
                    return true
                }
                state = .separator
            default:
                let isHost = t.kind == .word && t.end - t.start == 4 && bytes[t.start..<t.end].elementsEqual("host".utf8)
                state = isHost ? .keyword : .none
            }
        }
    }
}
