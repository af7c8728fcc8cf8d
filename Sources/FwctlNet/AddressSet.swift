/// A set of IPv4 and IPv6 addresses: a role's members, a network, one end of a flow.
public struct AddressSet: Hashable, Sendable, Codable {
    public var v4: IntervalSet<UInt32>
    public var v6: IntervalSet<UInt128>

    public init(v4: IntervalSet<UInt32> = IntervalSet(), v6: IntervalSet<UInt128> = IntervalSet()) {
        self.v4 = v4
        self.v6 = v6
    }

    /// Every address of both families.
    public static let everything = AddressSet(v4: .full, v6: .full)

    public var isEmpty: Bool { v4.isEmpty && v6.isEmpty }

    public func isEmpty(_ family: IPFamily) -> Bool {
        family == .v4 ? v4.isEmpty : v6.isEmpty
    }

    public mutating func insert(_ range: AddressRange) {
        switch (range.lower, range.upper) {
        case (.v4(let a), .v4(let b)): v4.insert(a...b)
        case (.v6(let a), .v6(let b)): v6.insert(a...b)
        default: preconditionFailure("AddressRange mixes families")
        }
    }

    public mutating func formUnion(_ other: AddressSet) {
        v4.formUnion(other.v4)
        v6.formUnion(other.v6)
    }

    public func union(_ other: AddressSet) -> AddressSet {
        AddressSet(v4: v4.union(other.v4), v6: v6.union(other.v6))
    }

    public func intersection(_ other: AddressSet) -> AddressSet {
        AddressSet(v4: v4.intersection(other.v4), v6: v6.intersection(other.v6))
    }

    public func subtracting(_ other: AddressSet) -> AddressSet {
        AddressSet(v4: v4.subtracting(other.v4), v6: v6.subtracting(other.v6))
    }

    public func isSuperset(of other: AddressSet) -> Bool {
        v4.isSuperset(of: other.v4) && v6.isSuperset(of: other.v6)
    }

    public func intersects(_ other: AddressSet) -> Bool {
        v4.intersects(other.v4) || v6.intersects(other.v6)
    }

    public func contains(_ address: IPAddress) -> Bool {
        switch address {
        case .v4(let a): v4.contains(a)
        case .v6(let a): v6.contains(a)
        }
    }

    /// The ranges of one family, in ascending order.
    public func ranges(_ family: IPFamily) -> [AddressRange] {
        switch family {
        case .v4: v4.intervals.map { AddressRange(lower: .v4($0.lowerBound), upper: .v4($0.upperBound)) }
        case .v6: v6.intervals.map { AddressRange(lower: .v6($0.lowerBound), upper: .v6($0.upperBound)) }
        }
    }

    /// Only the addresses of `family`.
    public func only(_ family: IPFamily) -> AddressSet {
        family == .v4 ? AddressSet(v4: v4) : AddressSet(v6: v6)
    }
}

/// A closed range of addresses of one family: a single address, a prefix, or `a-b`.
public struct AddressRange: Hashable, Sendable, CustomStringConvertible, Codable {
    public let lower: IPAddress
    public let upper: IPAddress

    public init(lower: IPAddress, upper: IPAddress) {
        precondition(lower.family == upper.family && !(upper < lower))
        self.lower = lower
        self.upper = upper
    }

    public init(_ address: IPAddress) { self.init(lower: address, upper: address) }

    /// The range a prefix covers; `nil` when `length` is out of range for the family.
    /// Host bits set in `address` are ignored (the caller warns about them).
    public init?(prefix address: IPAddress, length: Int) {
        switch address {
        case .v4(let a):
            guard (0...32).contains(length) else { return nil }
            let hostBits: UInt32 = length == 0 ? .max : (length == 32 ? 0 : (UInt32.max >> UInt32(length)))
            self.init(lower: .v4(a & ~hostBits), upper: .v4(a | hostBits))
        case .v6(let a):
            guard (0...128).contains(length) else { return nil }
            let hostBits: UInt128 = length == 0 ? .max : (length == 128 ? 0 : (UInt128.max >> UInt128(length)))
            self.init(lower: .v6(a & ~hostBits), upper: .v6(a | hostBits))
        }
    }

    public var family: IPFamily { lower.family }
    public var isSingle: Bool { lower == upper }

    /// The prefix length when this range is exactly one CIDR prefix.
    public var prefixLength: Int? {
        switch (lower, upper) {
        case (.v4(let a), .v4(let b)):
            let span = b ^ a
            guard a & span == 0, (span &+ 1) & span == 0 else { return nil }
            return 32 - span.nonzeroBitCount
        case (.v6(let a), .v6(let b)):
            let span = b ^ a
            guard a & span == 0, (span &+ 1) & span == 0 else { return nil }
            return 128 - span.nonzeroBitCount
        default:
            return nil
        }
    }

    /// How nft lists this element of an interval set: `a`, `a/len`, or `a-b`.
    public var description: String {
        if isSingle { return lower.description }
        if let len = prefixLength { return "\(lower)/\(len)" }
        return "\(lower)-\(upper)"
    }
}
