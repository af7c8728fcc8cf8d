#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FwctlNet
import FwctlRuleset

/// What the kernel checks when elements go into a set: each fits the key type, single
/// values unless the set has `flags interval`, no duplicate and no overlap with what the set
/// already holds or with each other (EEXIST in both cases).
enum SetElementRules {
    static func check(_ new: [SetElement], against existing: [SetElement], of set: NamedSet) throws {
        for e in new {
            guard e.fits(set.keyType) else { throw Refusal(EINVAL, "element \(e.text) does not fit set \(set.name) of \(set.keyType.rawValue)") }
            guard set.isInterval || e.isSingle else {
                throw Refusal(EINVAL, "element \(e.text) is a range but set \(set.name) has no interval flag")
            }
        }
        // Sorted by lower bound, an element overlaps an earlier one exactly when it overlaps
        // the one reaching furthest so far: one pass instead of comparing every pair. What the
        // set holds is disjoint already, so only pairs with a new element can clash.
        let all = (existing.map { ($0, false) } + new.map { ($0, true) }).sorted { SetElement.ascending($0.0, $1.0) }
        var reach: (element: SetElement, isNew: Bool)?
        for (e, fresh) in all {
            if let r = reach, r.element.overlaps(e), r.isNew || fresh {
                let what = r.element == e ? "already holds \(e.text)" : "has \(r.element.text), which overlaps \(e.text)"
                throw Refusal(EEXIST, "set \(set.name) \(what)")
            }
            if reach == nil || !reach!.element.reaches(beyond: e) { reach = (e, fresh) }
        }
    }
}

extension SetElement {
    /// The element as nft prints it: `192.0.2.0/24`, `443`, `30000-30100`, `vrrp`.
    var text: String { NftText.render(element: self) }

    var isSingle: Bool {
        switch self {
        case .address(let r): r.isSingle
        case .port(let p): p.isSingle
        case .proto, .dispatch: true
        }
    }

    func fits(_ keyType: SetKeyType) -> Bool {
        switch (self, keyType) {
        case (.address(let r), .ipv4Addr): r.family == .v4
        case (.address(let r), .ipv6Addr): r.family == .v6
        case (.port, .inetService), (.proto, .inetProto), (.dispatch, .protoService): true
        default: false
        }
    }

    func overlaps(_ other: SetElement) -> Bool {
        switch (self, other) {
        case (.address(let a), .address(let b)): a.family == b.family && a.lower <= b.upper && b.lower <= a.upper
        case (.port(let a), .port(let b)): a.lower <= b.upper && b.lower <= a.upper
        case (.proto(let a), .proto(let b)): a == b
        // One key, one verdict: two elements of the same protocol and port collide.
        case (.dispatch(let p, let x, _), .dispatch(let q, let y, _)): p == q && x == y
        default: false
        }
    }

    /// True when this element (of the same kind) ends at or after `other`'s end.
    func reaches(beyond other: SetElement) -> Bool {
        switch (self, other) {
        case (.address(let a), .address(let b)): a.family == b.family && b.upper <= a.upper
        case (.port(let a), .port(let b)): b.upper <= a.upper
        case (.proto(let a), .proto(let b)): a == b
        case (.dispatch(let p, let x, _), .dispatch(let q, let y, _)): p == q && x == y
        default: false
        }
    }
}
