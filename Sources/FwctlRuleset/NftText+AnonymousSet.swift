import FwctlNet

/// How nft 1.0.6 normalises the elements of an anonymous set in a rule, so the renderers
/// print text that `nft -f` + `nft list` reproduces exactly:
/// - one element: no set at all, a plain compare (`tcp dport { 443 }` → `tcp dport 443`);
/// - only single values: sorted, duplicates dropped, never merged (`{ 1, 2, 3 }` stays);
/// - at least one range or prefix: nft makes it an interval set and merges overlapping and
///   adjacent elements (`{ 1-5, 6-9, 12 }` → `{ 1-9, 12 }`).
///
/// nft lists a merge that leaves one element with braces (`{ 1-5, 6-9 }` → `{ 1-9 }`), but
/// loading that lists `1-9`; the renderers print the fixed point, `1-9`. The compiler
/// should generate the normalised form itself (merged; one element as `.range`), because
/// the netlink encoder sends elements as given and the kernel keeps them as sent.
extension NftText {
    /// The elements of an anonymous address set as printed, and whether they print as a set.
    static func anonymousAddresses(_ ranges: [AddressRange]) -> (elements: [AddressRange], isSet: Bool) {
        let sorted = sortedAddressRanges(ranges)
        guard sorted.count > 1 else { return (sorted, false) }
        guard sorted.contains(where: { !$0.isSingle }) else { return (sorted, true) }
        var merged: [AddressRange] = []
        for r in sorted {
            if let last = merged.last, last.family == r.family, !(successor(last.upper).map { $0 < r.lower } ?? false) {
                if last.upper < r.upper { merged[merged.count - 1] = AddressRange(lower: last.lower, upper: r.upper) }
            } else {
                merged.append(r)
            }
        }
        return (merged, merged.count > 1)
    }

    /// The elements of an anonymous port set as printed, and whether they print as a set.
    static func anonymousPorts(_ ranges: [PortRange]) -> (elements: [PortRange], isSet: Bool) {
        let sorted = Set(ranges).sorted()
        guard sorted.count > 1 else { return (sorted, false) }
        guard sorted.contains(where: { !$0.isSingle }) else { return (sorted, true) }
        var merged: [PortRange] = []
        for r in sorted {
            if let last = merged.last, last.upper == .max || last.upper + 1 >= r.lower {
                merged[merged.count - 1] = PortRange(last.lower, max(last.upper, r.upper))
            } else {
                merged.append(r)
            }
        }
        return (merged, merged.count > 1)
    }

    /// The next address, or nil past the end of the family's space.
    static func successor(_ a: IPAddress) -> IPAddress? {
        switch a {
        case .v4(let v): v == .max ? nil : .v4(v + 1)
        case .v6(let v): v == .max ? nil : .v6(v + 1)
        }
    }

    static func sortedAddressRanges(_ rs: [AddressRange]) -> [AddressRange] {
        Set(rs).sorted { ($0.lower, $0.upper) < ($1.lower, $1.upper) }
    }
}
