import FwctlRuleset

// The plan's JSON is a documented interface (`fwctl plan --format json`, plan files), so its
// shape is written out here instead of left to the compiler's synthesis, whose layout for
// enums with associated values (`{"addRule":{"_0":...}}`) is neither readable nor promised.
//
// A change is one object with an "op" naming the case and one key per associated value:
//   {"op": "createTable", "table": {"family": "inet", "name": "fwctl"}}
//   {"op": "addSet", "set": NamedSet}
//   {"op": "changeTableFlags", "from": 1, "to": 0}
//   {"op": "deleteObject", "object": {"kind": "counter", "name": "c1"}}   (kind: nft's word)
//   {"op": "deleteSet", "set": "role_web_v4"}   (+ "drift": ["flags constant"] when re-created for it)
//   {"op": "addElements" | "removeElements", "set": "role_web_v4", "keyType": "ipv4_addr", "elements": [SetElement]}
//   {"op": "addChain", "chain": Chain}
//   {"op": "changeChainPolicy", "chain": "input", "from": "accept", "to": "drop"}
//   {"op": "deleteChain", "chain": "fwd_web"}
//   {"op": "addRule", "chain": "input", "rule": Rule, "position": RuleAnchor, "id": 3}
//   {"op": "deleteRule", "chain": "input", "handle": 12, "rule": Rule}
//   {"op": "replaceRule", "chain": "input", "handle": 12, "from": Rule, "to": Rule}
// A rule anchor is {"kind": "top" | "append"}, {"kind": "afterHandle" | "beforeHandle",
// "handle": 12} or {"kind": "afterNew", "id": 3}. NamedSet, Chain, Rule and SetElement use
// the model's own Codable form (FwctlRuleset).

extension Change: Codable {
    private enum Key: String, CodingKey {
        case op, table, set, keyType, elements, chain, from, to, rule, position, id, handle, object, drift
    }

    private enum Op: String, Codable {
        case createTable, changeTableFlags, deleteObject, addSet, deleteSet, addElements, removeElements
        case addChain, changeChainPolicy, deleteChain, addRule, deleteRule, replaceRule
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try c.decode(Op.self, forKey: .op) {
        case .createTable:
            self = .createTable(try c.decode(TableRef.self, forKey: .table))
        case .addSet:
            self = .addSet(try c.decode(NamedSet.self, forKey: .set))
        case .changeTableFlags:
            self = .changeTableFlags(from: try c.decode(UInt32.self, forKey: .from), to: try c.decode(UInt32.self, forKey: .to))
        case .deleteObject:
            self = .deleteObject(try c.decode(TableObject.self, forKey: .object))
        case .deleteSet:
            self = .deleteSet(name: try c.decode(String.self, forKey: .set),
                              drift: try c.decodeIfPresent([String].self, forKey: .drift) ?? [])
        case .addElements:
            self = .addElements(set: try c.decode(String.self, forKey: .set),
                                keyType: try c.decode(SetKeyType.self, forKey: .keyType),
                                elements: try c.decode([SetElement].self, forKey: .elements))
        case .removeElements:
            self = .removeElements(set: try c.decode(String.self, forKey: .set),
                                   keyType: try c.decode(SetKeyType.self, forKey: .keyType),
                                   elements: try c.decode([SetElement].self, forKey: .elements))
        case .addChain:
            self = .addChain(try c.decode(Chain.self, forKey: .chain))
        case .changeChainPolicy:
            self = .changeChainPolicy(chain: try c.decode(String.self, forKey: .chain),
                                      from: try c.decode(ChainPolicy.self, forKey: .from),
                                      to: try c.decode(ChainPolicy.self, forKey: .to))
        case .deleteChain:
            self = .deleteChain(name: try c.decode(String.self, forKey: .chain))
        case .addRule:
            self = .addRule(chain: try c.decode(String.self, forKey: .chain),
                            rule: try c.decode(Rule.self, forKey: .rule),
                            position: try c.decode(RuleAnchor.self, forKey: .position),
                            id: try c.decode(Int.self, forKey: .id))
        case .deleteRule:
            self = .deleteRule(chain: try c.decode(String.self, forKey: .chain),
                               handle: try c.decode(UInt64.self, forKey: .handle),
                               rule: try c.decode(Rule.self, forKey: .rule))
        case .replaceRule:
            self = .replaceRule(chain: try c.decode(String.self, forKey: .chain),
                                handle: try c.decode(UInt64.self, forKey: .handle),
                                from: try c.decode(Rule.self, forKey: .from),
                                to: try c.decode(Rule.self, forKey: .to))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .createTable(let ref):
            try c.encode(Op.createTable, forKey: .op)
            try c.encode(ref, forKey: .table)
        case .addSet(let set):
            try c.encode(Op.addSet, forKey: .op)
            try c.encode(set, forKey: .set)
        case .changeTableFlags(let from, let to):
            try c.encode(Op.changeTableFlags, forKey: .op)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
        case .deleteObject(let object):
            try c.encode(Op.deleteObject, forKey: .op)
            try c.encode(object, forKey: .object)
        case .deleteSet(let name, let drift):
            try c.encode(Op.deleteSet, forKey: .op)
            try c.encode(name, forKey: .set)
            if !drift.isEmpty { try c.encode(drift, forKey: .drift) }
        case .addElements(let set, let keyType, let elements), .removeElements(let set, let keyType, let elements):
            if case .addElements = self { try c.encode(Op.addElements, forKey: .op) } else { try c.encode(Op.removeElements, forKey: .op) }
            try c.encode(set, forKey: .set)
            try c.encode(keyType, forKey: .keyType)
            try c.encode(elements, forKey: .elements)
        case .addChain(let chain):
            try c.encode(Op.addChain, forKey: .op)
            try c.encode(chain, forKey: .chain)
        case .changeChainPolicy(let chain, let from, let to):
            try c.encode(Op.changeChainPolicy, forKey: .op)
            try c.encode(chain, forKey: .chain)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
        case .deleteChain(let name):
            try c.encode(Op.deleteChain, forKey: .op)
            try c.encode(name, forKey: .chain)
        case .addRule(let chain, let rule, let position, let id):
            try c.encode(Op.addRule, forKey: .op)
            try c.encode(chain, forKey: .chain)
            try c.encode(rule, forKey: .rule)
            try c.encode(position, forKey: .position)
            try c.encode(id, forKey: .id)
        case .deleteRule(let chain, let handle, let rule):
            try c.encode(Op.deleteRule, forKey: .op)
            try c.encode(chain, forKey: .chain)
            try c.encode(handle, forKey: .handle)
            try c.encode(rule, forKey: .rule)
        case .replaceRule(let chain, let handle, let from, let to):
            try c.encode(Op.replaceRule, forKey: .op)
            try c.encode(chain, forKey: .chain)
            try c.encode(handle, forKey: .handle)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
        }
    }
}

extension RuleAnchor: Codable {
    private enum Key: String, CodingKey { case kind, handle, id }
    private enum Kind: String, Codable { case top, append, afterHandle, beforeHandle, afterNew }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        switch try c.decode(Kind.self, forKey: .kind) {
        case .top: self = .top
        case .append: self = .append
        case .afterHandle: self = .afterHandle(try c.decode(UInt64.self, forKey: .handle))
        case .beforeHandle: self = .beforeHandle(try c.decode(UInt64.self, forKey: .handle))
        case .afterNew: self = .afterNew(try c.decode(Int.self, forKey: .id))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .top: try c.encode(Kind.top, forKey: .kind)
        case .append: try c.encode(Kind.append, forKey: .kind)
        case .afterHandle(let h):
            try c.encode(Kind.afterHandle, forKey: .kind)
            try c.encode(h, forKey: .handle)
        case .beforeHandle(let h):
            try c.encode(Kind.beforeHandle, forKey: .kind)
            try c.encode(h, forKey: .handle)
        case .afterNew(let id):
            try c.encode(Kind.afterNew, forKey: .kind)
            try c.encode(id, forKey: .id)
        }
    }
}
