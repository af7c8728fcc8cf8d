import Foundation
import Testing
import FwctlRuleset
import FwctlTestSupport

/// fwctl's one JSON convention: a Codable value and a built one print alike, keys sorted,
/// slashes as they are.
@Suite struct FwctlJSONTests {
    struct Sample: Encodable {
        var service = "tcp/6379"
        var ab = 1
        var a_b = 2
        var a9 = 3
        var a10 = 4
        var B = true
        var nested = ["z": [Int](), "y": [5, 6]]
        var empty: [String: Int] = [:]
        var none: String? = nil
    }

    static let built: JSONValue = .object([
        ("service", .string("tcp/6379")), ("ab", .int(1)), ("a_b", .int(2)), ("a9", .int(3)), ("a10", .int(4)), ("B", .bool(true)),
        ("nested", .object([("z", .array([])), ("y", .array([.int(5), .int(6)]))])), ("empty", .object([])),
    ])

    @Test func codableAndBuiltValuesPrintAlike() throws {
        let codable = try FwctlJSON.text(Sample())
        #expect(codable == FwctlJSON.text(Self.built))
        #expect(codable == """
            {
              "B": true,
              "a10": 4,
              "a9": 3,
              "a_b": 2,
              "ab": 1,
              "empty": {},
              "nested": {
                "y": [
                  5,
                  6
                ],
                "z": []
              },
              "service": "tcp/6379"
            }

            """)
        #expect(JSONConvention.violations(in: codable).isEmpty)
    }

    @Test func compactFormHasNoSpaces() throws {
        let line = String(decoding: try FwctlJSON.encoder().encode(Sample()), as: UTF8.self)
        #expect(line == #"{"B":true,"a10":4,"a9":3,"a_b":2,"ab":1,"empty":{},"nested":{"y":[5,6],"z":[]},"service":"tcp/6379"}"#)
    }

    /// Strings keep their quotes, escapes and structural characters inside.
    @Test func stringsAreNotReformatted() throws {
        let text = try FwctlJSON.text(["k": "a,b:{c}[d] \"e\" \\ f/g"])
        #expect(text == "{\n  \"k\": \"a,b:{c}[d] \\\"e\\\" \\\\ f/g\"\n}\n")
    }

    @Test func theCheckerSeesEachBreach() {
        #expect(JSONConvention.violations(in: "{\n  \"b\": 1,\n  \"a\": 2\n}\n") == ["line 3: key \"a\" after \"b\""])
        #expect(JSONConvention.violations(in: "{\n  \"a\": \"tcp\\/22\"\n}\n") == ["a slash is escaped (\\/)"])
        #expect(JSONConvention.violations(in: "{\n  \"a\" : 1\n}\n") == ["a key is followed by ' : ' instead of ': '"])
        // Keys of sibling objects and of nested ones are compared only among themselves.
        #expect(JSONConvention.violations(in: FwctlJSON.text(.array([.object([("b", .int(1))]), .object([("a", .object([("z", .int(1))])), ("b", .int(2))])]))).isEmpty)
    }
}
