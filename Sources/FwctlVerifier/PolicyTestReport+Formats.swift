import FwctlRuleset

/// Machine-readable forms of a test report: JSON for scripts, JUnit XML for CI.
extension PolicyTestReport {
    /// `{"failed":N,"passed":N,"tests":[{"expectations":[{"failure":{..},"kind":..,"location":..,"passed":..,"text":..}],"line":N,"name":..}]}`
    /// in fwctl's JSON convention.
    public func json() -> String {
        let tests: [JSONValue] = self.tests.map { t in
            .object([("name", .string(t.name)), ("line", .int(Int64(t.line))), ("expectations", .array(t.expectations.map { e in
                var o: [(String, JSONValue)] = [("text", .string(e.expectation.text)), ("kind", .string(e.expectation.kind.rawValue)),
                                                ("location", .string(e.expectation.range.description)), ("passed", .bool(e.passed))]
                if let v = e.vacuous { o.append(("vacuous", .string(v))) }
                if let f = e.failure {
                    o.append(("failure", .object([("reason", .string(f.reason)), ("packet", .string(f.packet.description)),
                                                  ("decisions", .array(f.ends.map { d in
                        .object([("host", .string(d.host)), ("chain", .string(d.chain)), ("verdict", .string(d.verdict.verdict.rawValue)),
                                 ("rule", d.verdict.rule.map { .int(Int64($0)) } ?? .null), ("comment", d.comment.map { .string($0) } ?? .null)])
                    }))])))
                }
                return .object(o)
            }))])
        }
        return FwctlJSON.text(.object([("passed", .int(Int64(passed))), ("failed", .int(Int64(failed))), ("tests", .array(tests))]))
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
