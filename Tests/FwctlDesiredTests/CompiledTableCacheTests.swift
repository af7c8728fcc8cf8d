import Foundation
import FwctlNet
import FwctlPlanner
import FwctlRuleset
import FwctlTestSupport
import Testing
@testable import FwctlDesired

@Suite struct CompiledTableCacheTests {
    static func entry(_ table: Table, files: [CompiledTableCache.PolicyFile] = [.init(path: "p/a.policy", bytes: Array("role web { host w = 192.0.2.1 }\n".utf8))]) -> CompiledTableCache.Entry {
        CompiledTableCache.Entry(context: "ctx", files: files, dependencies: ["fleet_v4", "role_lb_v4"], table: table)
    }

    @Test func entriesRoundTripAndRefuseDamage() throws {
        var t = SampleTable.lbToWeb(lbHosts: ["192.0.2.10", "192.0.2.11"])
        t.sets.append(NamedSet(name: "empty", keyType: .ipv6Addr, comment: nil, elements: []))
        let e = Self.entry(t, files: [.init(path: "p/a.policy", bytes: Array("x\n".utf8)), .init(path: "p/b.policy", bytes: [])])
        let bytes = TableSnapshot.encode(e)
        let decoded = try #require(TableSnapshot.decode(bytes))
        #expect(decoded.context == "ctx" && decoded.table == t && decoded.files == e.files && decoded.dependencies == e.dependencies)
        #expect(decoded.hostAddresses == nil)
        // The fleet's host addresses, both families, come back as they went.
        var hosts = AddressSet()
        hosts.insert(AddressRange(lower: IPAddress("10.0.0.1")!, upper: IPAddress("10.0.0.9")!))
        hosts.insert(AddressRange(IPAddress("2001:db8::1")!))
        var withHosts = e
        withHosts.hostAddresses = hosts
        #expect(TableSnapshot.decode(TableSnapshot.encode(withHosts))?.hostAddresses == hosts)
        #expect(TableSnapshot.decode(Array(bytes.dropLast())) == nil)
        #expect(TableSnapshot.decode([]) == nil)
        for at in [bytes.count / 3, bytes.count / 2, bytes.count - 12] {
            var b = bytes
            b[at] ^= 0x40
            #expect(TableSnapshot.decode(b) == nil, "a flipped bit at \(at)")
        }
    }

    /// Every case of the model, so the binary form cannot drop or confuse one.
    static var everyShape: Table {
        let a = AddressRange(IPAddress("192.0.2.1")!), b = AddressRange(prefix: IPAddress("2001:db8::")!, length: 64)!
        let expressions: [FwctlRuleset.Expression] = [
            .address(family: .v4, field: .saddr, match: .set("role_web_v4")),
            .address(family: .v6, field: .daddr, match: .range(b)),
            .address(family: .v4, field: .daddr, match: .anonymousSet([a, AddressRange(lower: IPAddress("10.0.0.1")!, upper: IPAddress("10.0.0.9")!)])),
            .port(proto: .tcp, field: .dport, match: .range(PortRange(443))),
            .port(proto: .udp, field: .sport, match: .anonymousSet([PortRange(53), PortRange(30000, 30100)])),
            .l4proto(112), .nfproto(.v6), .icmpType(family: .v6, types: [1, 2, 135]), .icmpType(family: .v4, types: []),
            .ctState([.established, .related]), .interface(direction: .oif, name: "lo"),
            .counter(packets: 12, bytes: UInt64.max), .limit(rate: 5, per: .minute, burst: 7),
            .log(prefix: "fwctl drop in: ", level: .info), .log(prefix: nil, level: nil),
            .verdict(.accept), .verdict(.drop), .verdict(.jump("x")), .verdict(.goto("y")), .verdict(.return),
            .unknown("something \"hand-made\""),
        ]
        let rules = expressions.enumerated().map { i, e in Rule([e], comment: i % 2 == 0 ? "p.policy:\(i): allow" : nil, handle: i % 3 == 0 ? UInt64(i) : nil) }
        return Table(family: .inet, name: "fwctl", flags: 1, comment: "managed by fwctl", sets: [
            NamedSet(name: "v6", keyType: .ipv6Addr, isInterval: true, comment: "role v6", elements: [.address(b)],
                     extras: ["element comments", "flags constant"], handle: 7),
            NamedSet(name: "ports", keyType: .inetService, isInterval: false, comment: nil, elements: [.port(PortRange(22)), .port(PortRange(80, 90))]),
            NamedSet(name: "protos", keyType: .inetProto, isInterval: false, elements: [.proto(6), .proto(17)]),
        ], chains: [
            Chain(name: "input", hook: BaseChainHook(type: .filter, hook: .input, priority: -150, policy: .drop), rules: rules, comment: "in", handle: 3),
            Chain(name: "x", hook: nil, rules: [Rule([])]),
        ], objects: [TableObject(kind: .object(type: 1), name: "c1"), TableObject(kind: .flowtable, name: "f"),
                     TableObject(kind: .set, name: "s"), TableObject(kind: .map, name: "m"), TableObject(kind: .object(type: 99), name: "o")],
        handle: 1)
    }

    @Test func everyShapeOfTableRoundTrips() throws {
        let e = Self.entry(Self.everyShape)
        let decoded = try #require(TableSnapshot.decode(TableSnapshot.encode(e)))
        #expect(decoded.table == Self.everyShape)
    }

    @Test func anEntryIsFoundOnlyInItsContext() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-cache-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = CompiledTableCache(directory: dir.path)
        #expect(cache.load(context: "ctx") == nil)
        cache.save(Self.entry(SampleTable.lbToWeb(lbHosts: ["192.0.2.10"])))
        #expect(cache.load(context: "ctx")?.table == SampleTable.lbToWeb(lbHosts: ["192.0.2.10"]))
        #expect(cache.load(context: "other") == nil)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: cache.path))
        #expect(cache.load(context: "ctx") == nil)
    }

    /// The context changes with every input of the compilation but the files' bytes.
    @Test func theContextCoversItsInputs() {
        func context(_ paths: [String] = ["p/a.policy"], host: String = "w", day: String = "2026-11-28", version: String = "0.1.0") -> String {
            CompiledTableCache.context(paths: paths, host: host, day: day, version: version)
        }
        let c = context()
        #expect(context() == c)
        #expect(context(host: "x") != c)
        #expect(context(day: "2026-11-29") != c)
        #expect(context(version: "0.1.1") != c)
        #expect(context(["p/a.policy", "p/b.policy"]) != c)
        #expect(context(["p/b.policy"]) != c)
    }

    @Test func policyFilesAreTheFrontEndsFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwctl-files-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(CompiledTableCache.policyFiles(at: dir.path) == nil)   // no *.policy file yet: the front end explains that
        let a = dir.appendingPathComponent("a.policy")
        try "role web { host w = 192.0.2.1 }\n".write(to: a, atomically: false, encoding: .utf8)
        try "not a policy".write(to: dir.appendingPathComponent("notes.txt"), atomically: false, encoding: .utf8)
        try "role db { host d = 192.0.2.2 }\n".write(to: dir.appendingPathComponent("b.policy"), atomically: false, encoding: .utf8)
        let files = try #require(CompiledTableCache.policyFiles(at: dir.path))
        #expect(files.map(\.path) == [dir.path + "/a.policy", dir.path + "/b.policy"])
        #expect(files[0].bytes == Array("role web { host w = 192.0.2.1 }\n".utf8))
        #expect(CompiledTableCache.policyFiles(at: a.path)?.map(\.path) == [a.path])
        #expect(CompiledTableCache.policyFiles(at: dir.appendingPathComponent("missing.policy").path) == nil)
        // A large file is read whole.
        let big = [UInt8](repeating: UInt8(ascii: "#"), count: 3_000_001)
        try Data(big).write(to: a)
        #expect(CompiledTableCache.policyFiles(at: a.path)?.first?.bytes == big)
    }
}
