// Written out so a table saved before `flags`, `comment` and `objects` existed (a pending
// confirmation's previous table) still decodes, and a table without them encodes as before.
extension Table: Codable {
    private enum Key: String, CodingKey { case family, name, flags, comment, sets, chains, objects, handle }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(family: try c.decode(TableFamily.self, forKey: .family), name: try c.decode(String.self, forKey: .name),
                  flags: try c.decodeIfPresent(UInt32.self, forKey: .flags) ?? 0,
                  comment: try c.decodeIfPresent(String.self, forKey: .comment),
                  sets: try c.decode([NamedSet].self, forKey: .sets), chains: try c.decode([Chain].self, forKey: .chains),
                  objects: try c.decodeIfPresent([TableObject].self, forKey: .objects) ?? [],
                  handle: try c.decodeIfPresent(UInt64.self, forKey: .handle))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(family, forKey: .family)
        try c.encode(name, forKey: .name)
        if flags != 0 { try c.encode(flags, forKey: .flags) }
        try c.encodeIfPresent(comment, forKey: .comment)
        try c.encode(sets, forKey: .sets)
        try c.encode(chains, forKey: .chains)
        if !objects.isEmpty { try c.encode(objects, forKey: .objects) }
        try c.encodeIfPresent(handle, forKey: .handle)
    }
}
