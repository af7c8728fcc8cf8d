// Written out so `extras` is left out when empty (every set fwctl generates): plan files and
// `plan --format json` keep their shape, and plan files written before it still decode.
extension NamedSet: Codable {
    private enum Key: String, CodingKey { case name, keyType, isInterval, comment, elements, extras, handle }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(name: try c.decode(String.self, forKey: .name), keyType: try c.decode(SetKeyType.self, forKey: .keyType),
                  isInterval: try c.decode(Bool.self, forKey: .isInterval),
                  comment: try c.decodeIfPresent(String.self, forKey: .comment),
                  elements: try c.decode([SetElement].self, forKey: .elements),
                  extras: try c.decodeIfPresent([String].self, forKey: .extras) ?? [],
                  handle: try c.decodeIfPresent(UInt64.self, forKey: .handle))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: .name)
        try c.encode(keyType, forKey: .keyType)
        try c.encode(isInterval, forKey: .isInterval)
        try c.encodeIfPresent(comment, forKey: .comment)
        try c.encode(elements, forKey: .elements)
        if !extras.isEmpty { try c.encode(extras, forKey: .extras) }
        try c.encodeIfPresent(handle, forKey: .handle)
    }
}
