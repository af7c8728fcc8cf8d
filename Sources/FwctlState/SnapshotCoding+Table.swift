import FwctlNet
import FwctlRuleset

/// A whole table in the snapshot's binary form: the compiled-table cache is read on every
/// run, so its decoding must cost next to nothing (JSON decoding of the chains does not).
///
/// Enumerations are written as their raw value strings or a case tag; every `switch` is
/// exhaustive, so a new case in the model does not compile until it is given a tag here.
extension SnapshotWriter {
    public mutating func table(_ t: Table) {
        string(t.family.rawValue)
        string(t.name)
        optional(t.handle) { $0.u64($1) }
        u32(t.flags)
        optional(t.comment) { $0.string($1) }
        u32(UInt32(t.sets.count))
        for s in t.sets { namedSet(s) }
        u32(UInt32(t.chains.count))
        for c in t.chains { chain(c) }
        u32(UInt32(t.objects.count))
        for o in t.objects { object(o) }
    }

    private mutating func object(_ o: TableObject) {
        switch o.kind {
        case .object(let type): u8(1); u32(type)
        case .flowtable: u8(2)
        case .set: u8(3)
        case .map: u8(4)
        }
        string(o.name)
    }

    private mutating func optional<T>(_ value: T?, _ write: (inout SnapshotWriter, T) -> Void) {
        guard let value else { return u8(0) }
        u8(1)
        write(&self, value)
    }

    private mutating func namedSet(_ s: NamedSet) {
        string(s.name)
        string(s.keyType.rawValue)
        u8(s.isInterval ? 1 : 0)
        optional(s.comment) { $0.string($1) }
        optional(s.handle) { $0.u64($1) }
        u32(UInt32(s.extras.count))
        for x in s.extras { string(x) }
        u32(UInt32(s.elements.count))
        if !ipv4Ranges(s.elements) {
            for e in s.elements { element(e) }
        }
    }

    private mutating func chain(_ c: Chain) {
        string(c.name)
        optional(c.hook) { w, h in
            w.string(h.type.rawValue)
            w.string(h.hook.rawValue)
            w.u32(UInt32(bitPattern: h.priority))
            w.string(h.policy.rawValue)
        }
        optional(c.comment) { $0.string($1) }
        optional(c.handle) { $0.u64($1) }
        u32(UInt32(c.rules.count))
        for r in c.rules {
            optional(r.comment) { $0.string($1) }
            optional(r.handle) { $0.u64($1) }
            u32(UInt32(r.expressions.count))
            for e in r.expressions { expression(e) }
        }
    }

    private mutating func range(_ r: AddressRange) { element(.address(r)) }

    private mutating func expression(_ e: Expression) {
        switch e {
        case .address(let family, let field, let match):
            u8(1); string(family.rawValue); string(field.rawValue)
            switch match {
            case .set(let name): u8(1); string(name)
            case .range(let r): u8(2); range(r)
            case .anonymousSet(let rs): u8(3); u32(UInt32(rs.count)); for r in rs { range(r) }
            }
        case .port(let proto, let field, let match):
            u8(2); string(proto.rawValue); string(field.rawValue)
            switch match {
            case .range(let p): u8(1); element(.port(p))
            case .anonymousSet(let ps): u8(2); u32(UInt32(ps.count)); for p in ps { element(.port(p)) }
            }
        case .l4proto(let p): u8(3); u8(p)
        case .nfproto(let family): u8(4); string(family.rawValue)
        case .icmpType(let family, let types): u8(5); string(family.rawValue); u32(UInt32(types.count)); for t in types { u8(t) }
        case .ctState(let states): u8(6); u32(states.rawValue)
        case .interface(let direction, let name): u8(7); string(direction.rawValue); string(name)
        case .counter(let packets, let bytes): u8(8); u64(packets); u64(bytes)
        case .limit(let rate, let per, let burst): u8(9); u64(rate); string(per.rawValue); u32(burst)
        case .log(let prefix, let level): u8(10); optional(prefix) { $0.string($1) }; optional(level) { $0.string($1.rawValue) }
        case .verdict(let v): u8(11); verdict(v)
        case .unknown(let text): u8(12); string(text)
        case .dispatch(let map): u8(13); string(map)
        case .originalDestination(let family, let set): u8(14); string(family.rawValue); string(set)
        case .originalPort(let proto, let p): u8(15); string(proto.rawValue); element(.port(p))
        case .sameLinkRoute: u8(16)
        }
    }
}

extension SnapshotReader {
    public mutating func table() -> Table? {
        guard let family = raw(TableFamily.self), let name = string(), let handle = optional({ $0.u64() }),
              let flags = u32(), let comment = optional({ $0.string() }), let setCount = count() else { return nil }
        var sets: [NamedSet] = []
        for _ in 0..<setCount {
            guard let s = namedSet() else { return nil }
            sets.append(s)
        }
        guard let chainCount = count() else { return nil }
        var chains: [Chain] = []
        for _ in 0..<chainCount {
            guard let c = chain() else { return nil }
            chains.append(c)
        }
        guard let objects = list({ $0.object() }) else { return nil }
        return Table(family: family, name: name, flags: flags, comment: comment, sets: sets, chains: chains, objects: objects,
                     handle: handle)
    }

    private mutating func object() -> TableObject? {
        let kind: TableObject.Kind
        switch u8() {
        case 1: guard let type = u32() else { return nil }; kind = .object(type: type)
        case 2: kind = .flowtable
        case 3: kind = .set
        case 4: kind = .map
        default: return nil
        }
        return string().map { TableObject(kind: kind, name: $0) }
    }

    /// `.some(nil)` for an absent value, nil for damaged input.
    private mutating func optional<T>(_ read: (inout SnapshotReader) -> T?) -> T?? {
        switch u8() {
        case 0: return .some(nil)
        case 1: return read(&self).map { .some($0) } ?? nil
        default: return nil
        }
    }

    private mutating func raw<T: RawRepresentable>(_: T.Type) -> T? where T.RawValue == String {
        string().flatMap(T.init(rawValue:))
    }

    /// A count no larger than the bytes left could hold (damage cannot make it allocate).
    private mutating func count() -> Int? {
        guard let n = u32(), Int(n) <= remaining else { return nil }
        return Int(n)
    }

    private mutating func namedSet() -> NamedSet? {
        guard let name = string(), let keyType = raw(SetKeyType.self), let interval = u8(), interval <= 1,
              let comment = optional({ $0.string() }), let handle = optional({ $0.u64() }), let extras = list({ $0.string() }),
              let n = u32(), let elements = elements(n) else { return nil }
        return NamedSet(name: name, keyType: keyType, isInterval: interval == 1, comment: comment, elements: elements,
                        extras: extras, handle: handle)
    }

    private mutating func chain() -> Chain? {
        guard let name = string() else { return nil }
        let hook = optional { r -> BaseChainHook? in
            guard let type = r.raw(ChainType.self), let hook = r.raw(Hook.self), let priority = r.u32(),
                  let policy = r.raw(ChainPolicy.self) else { return nil }
            return BaseChainHook(type: type, hook: hook, priority: Int32(bitPattern: priority), policy: policy)
        }
        guard let hook, let comment = optional({ $0.string() }), let handle = optional({ $0.u64() }),
              let ruleCount = count() else { return nil }
        var rules: [Rule] = []
        rules.reserveCapacity(ruleCount)
        for _ in 0..<ruleCount {
            guard let comment = optional({ $0.string() }), let handle = optional({ $0.u64() }), let n = count() else { return nil }
            var expressions: [Expression] = []
            for _ in 0..<n {
                guard let e = expression() else { return nil }
                expressions.append(e)
            }
            rules.append(Rule(expressions, comment: comment, handle: handle))
        }
        return Chain(name: name, hook: hook, rules: rules, comment: comment, handle: handle)
    }

    private mutating func range() -> AddressRange? {
        guard case .address(let r)? = element() else { return nil }
        return r
    }

    private mutating func port() -> PortRange? {
        guard case .port(let p)? = element() else { return nil }
        return p
    }

    private mutating func list<T>(_ read: (inout SnapshotReader) -> T?) -> [T]? {
        guard let n = count() else { return nil }
        var out: [T] = []
        for _ in 0..<n {
            guard let v = read(&self) else { return nil }
            out.append(v)
        }
        return out
    }

    private mutating func expression() -> Expression? {
        switch u8() {
        case 1:
            guard let family = raw(IPFamily.self), let field = raw(AddressField.self) else { return nil }
            let match: AddressMatch?
            switch u8() {
            case 1: match = string().map(AddressMatch.set)
            case 2: match = range().map(AddressMatch.range)
            case 3: match = list { $0.range() }.map(AddressMatch.anonymousSet)
            default: match = nil
            }
            return match.map { .address(family: family, field: field, match: $0) }
        case 2:
            guard let proto = raw(PortProtocol.self), let field = raw(PortField.self) else { return nil }
            let match: PortMatch?
            switch u8() {
            case 1: match = port().map(PortMatch.range)
            case 2: match = list { $0.port() }.map(PortMatch.anonymousSet)
            default: match = nil
            }
            return match.map { .port(proto: proto, field: field, match: $0) }
        case 3: return u8().map(Expression.l4proto)
        case 4: return raw(IPFamily.self).map(Expression.nfproto)
        case 5:
            guard let family = raw(IPFamily.self), let types = list({ $0.u8() }) else { return nil }
            return .icmpType(family: family, types: types)
        case 6: return u32().map { .ctState(CtStates(rawValue: $0)) }
        case 7:
            guard let direction = raw(InterfaceDirection.self), let name = string() else { return nil }
            return .interface(direction: direction, name: name)
        case 8:
            guard let packets = u64(), let bytes = u64() else { return nil }
            return .counter(packets: packets, bytes: bytes)
        case 9:
            guard let rate = u64(), let per = raw(LimitUnit.self), let burst = u32() else { return nil }
            return .limit(rate: rate, per: per, burst: burst)
        case 10:
            guard let prefix = optional({ $0.string() }), let level = optional({ $0.raw(LogLevel.self) }) else { return nil }
            return .log(prefix: prefix, level: level)
        case 11: return verdict().map(Expression.verdict)
        case 12: return string().map(Expression.unknown)
        case 13: return string().map(Expression.dispatch)
        case 14: if let family = raw(IPFamily.self), let set = string() { return .originalDestination(family: family, set: set) }; return nil
        case 15: if let proto = raw(PortProtocol.self), let p = port() { return .originalPort(proto: proto, range: p) }; return nil
        case 16: return .sameLinkRoute
        default: return nil
        }
    }
}
