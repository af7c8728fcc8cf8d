/// One nf_tables kernel expression, as fwctl's codec sees it: the level between the model's
/// `Expression` (what nft lists) and libnftnl's `nftnl_expr` (what goes on the wire).
///
/// Keeping this level in plain Swift lets the lowering and its mirror-image decoding be
/// tested without root; `KernelExpr+Nftnl.swift` is the only place that turns it into C objects.
enum KernelExpr: Hashable, Sendable {
    /// `meta load <key> => reg`.
    case meta(key: UInt32, dreg: UInt32)
    /// `payload load <len>b @ <base> header + <offset> => reg`.
    case payload(base: UInt32, offset: UInt32, len: UInt32, dreg: UInt32)
    /// `cmp <op> reg <data>`; data in the byte order the register holds.
    case cmp(op: UInt32, sreg: UInt32, data: [UInt8])
    /// `bitwise reg = (reg & mask) ^ xor` (the boolean form; length = mask.count).
    case bitwise(sreg: UInt32, dreg: UInt32, mask: [UInt8], xor: [UInt8])
    /// `lookup reg set <name>`; `setID` only while the set is created in the same batch.
    case lookup(sreg: UInt32, set: String, setID: UInt32?)
    /// `lookup reg set <name> dreg 0`: a verdict map's element decides the verdict.
    case vmapLookup(sreg: UInt32, set: String)
    /// `ct load <key> => reg` (original direction unspecified).
    case ct(key: UInt32, dreg: UInt32)
    /// `ct load <key> => reg , dir original` (NFTA_CT_DIRECTION = IP_CT_DIR_ORIGINAL).
    case ctOriginal(key: UInt32, dreg: UInt32)
    /// `fib <flags> <result> => reg` (`fib daddr . iif oif present`).
    case fib(result: UInt32, flags: UInt32, dreg: UInt32)
    case counter(packets: UInt64, bytes: UInt64)
    /// `limit rate <rate>/<unit seconds> burst <burst> type <0 packets, 1 bytes> flags`.
    case limit(rate: UInt64, unit: UInt64, burst: UInt32, type: UInt32, flags: UInt32)
    case log(prefix: String?, level: UInt32?)
    /// `immediate reg 0 <verdict>`; `chain` for jump/goto.
    case verdict(code: Int32, chain: String?)
    /// Anything else, kept as libnftnl's text for `.unknown`.
    case other(String)
}

extension KernelExpr {
    /// A short libnftnl-like text, for `.unknown` descriptions and test failure messages.
    var text: String {
        func hex(_ d: [UInt8]) -> String { "0x" + d.map { String($0, radix: 16).leftPadded(2) }.joined() }
        switch self {
        case .meta(let k, let r): return "meta load \(k) => reg \(r)"
        case .payload(let b, let o, let l, let r): return "payload load \(l)b @ base \(b) + \(o) => reg \(r)"
        case .cmp(let op, let r, let d): return "cmp op \(op) reg \(r) \(hex(d))"
        case .bitwise(let s, let d, let m, let x): return "bitwise reg \(d) = (reg \(s) & \(hex(m))) ^ \(hex(x))"
        case .lookup(let r, let s, _): return "lookup reg \(r) set \(s)"
        case .vmapLookup(let r, let s): return "lookup reg \(r) set \(s) dreg 0"
        case .ct(let k, let r): return "ct load \(k) => reg \(r)"
        case .ctOriginal(let k, let r): return "ct load \(k) => reg \(r) , dir original"
        case .fib(let res, let f, let r): return "fib flags \(f) result \(res) => reg \(r)"
        case .counter(let p, let b): return "counter pkts \(p) bytes \(b)"
        case .limit(let r, let u, let b, let t, let f): return "limit rate \(r)/\(u)s burst \(b) type \(t) flags \(f)"
        case .log(let p, let l): return "log" + (p.map { " prefix \($0)" } ?? "") + (l.map { " level \($0)" } ?? "")
        case .verdict(let c, let ch): return "immediate verdict \(c)" + (ch.map { " -> \($0)" } ?? "")
        case .other(let s): return s
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
