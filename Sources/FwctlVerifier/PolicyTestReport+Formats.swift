import Foundation

/// Machine-readable forms of a test report: JSON for scripts, JUnit XML for CI.
extension PolicyTestReport {
    /// `{"passed":N,"failed":N,"tests":[{"name":..,"expectations":[{"text":..,"passed":..,"failure":{..}}]}]}`.
    public func json() -> String {
        let tests: [[String: Any]] = self.tests.map { t in
            ["name": t.name, "line": t.line, "expectations": t.expectations.map { e -> [String: Any] in
                var o: [String: Any] = ["text": e.expectation.text, "kind": e.expectation.kind.rawValue,
                                        "location": e.expectation.range.description, "passed": e.passed]
                if let v = e.vacuous { o["vacuous"] = v }
                if let f = e.failure {
                    o["failure"] = ["reason": f.reason, "packet": f.packet.description,
                                    "decisions": f.ends.map { d -> [String: Any] in
                                        ["host": d.host, "chain": d.chain, "verdict": d.verdict.verdict.rawValue,
                                         "rule": d.verdict.rule.map { $0 as Any } ?? NSNull(), "comment": d.comment ?? NSNull()]
                                    }] as [String: Any]
                }
                return o
            }]
        }
        let root: [String: Any] = ["passed": passed, "failed": failed, "tests": tests]
        let data = (try? JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// JUnit XML: one testsuite per `test` block, one testcase per expectation, a `failure`
    /// element carrying the packet and deciding rules for each that does not hold.
    public func junit(suiteName: String = "fwctl") -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(XMLText.escape(suiteName))\" tests=\"\(passed + failed)\" failures=\"\(failed)\">\n"
        for t in tests {
            let failures = t.expectations.filter { !$0.passed }.count
            out += "  <testsuite name=\"\(XMLText.escape(t.name))\" tests=\"\(t.expectations.count)\" failures=\"\(failures)\" errors=\"0\">\n"
            for e in t.expectations {
                let open = "    <testcase classname=\"\(XMLText.escape(t.name))\" name=\"\(XMLText.escape(e.expectation.text))\" file=\"\(XMLText.escape(e.expectation.range.file))\" line=\"\(e.expectation.range.start.line)\""
                if e.failure == nil, let v = e.vacuityText {
                    let text = XMLText.escape(v)
                    let body = e.passed ? "<system-out>\(text)</system-out>" : "<failure message=\"\(text)\">\(text)</failure>"
                    out += open + ">\n      \(body)\n    </testcase>\n"
                    continue
                }
                guard let f = e.failure else { out += open + "/>\n"; continue }
                let body = ([f.reason + ": " + f.packet.description] + f.ends.map(\.description)).joined(separator: "\n")
                out += open + ">\n      <failure message=\"\(XMLText.escape(f.reason + ": " + f.packet.description))\">\(XMLText.escape(body))</failure>\n    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }
}
