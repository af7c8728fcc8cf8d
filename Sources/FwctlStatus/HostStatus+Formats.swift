import Foundation
import FwctlLog
import FwctlNet
import FwctlRuleset

/// `fwctl status` output: text for people, JSON for scripts, and the Prometheus text
/// exposition format (version 0.0.4) for node_exporter's textfile collector.
extension HostStatus {
    public var text: String {
        var out = "Host \(host), table \(table): "
        out += loaded ? "loaded (kernel generation \(generation.map(String.init) ?? "?"))\n" : "not loaded\n"
        out += inSync ? "In sync with the policy.\n"
            : "DRIFT: apply would make \(counted(driftChanges, "change")) (\(drift.add) to add, \(drift.change) to change, \(drift.remove) to remove); see `fwctl plan`.\n"
        if let e = lastApply {
            out += "Last apply: \(e.time) by \(e.actor.text), \(e.summary?.line ?? "")"
            out += e.policy.commit.map { " policy commit \($0.prefix(12))\(e.policy.dirty == true ? "+dirty" : "")" } ?? ""
            out += "\n"
        } else {
            out += "Last apply: none recorded.\n"
        }
        if let e = lastEntry, e != lastApply {
            out += "Last log entry: seq \(e.seq) \(e.action.rawValue) \(e.outcome) at \(e.time)\n"
        }
        if let logProblem { out += "Apply log: \(logProblem)\n" }
        let used = flows.filter(\.used), unused = flows.filter { !$0.used }
        out += "\nUsed flows (\(used.count)):\n"
        for f in used { out += "  \(Self.row(f))  \(counted(f.packets, "packet")), \(counted(f.bytes, "byte"))\n" }
        out += "\nNever used since loaded (\(unused.count)):\n"
        for f in unused { out += "  \(Self.row(f))\n" }
        out += "\nDropped by chain policy:\n"
        for d in drops { out += "  \(d.chain): \(counted(d.packets, "packet")), \(counted(d.bytes, "byte"))\n" }
        return out
    }

    private static func row(_ f: FlowCounter) -> String {
        "\(f.direction) \(f.family) \(f.policyLine): \(f.flow)"
    }

    public func json() throws -> String {
        try FwctlJSON.text(self)
    }

    /// The metrics in the Prometheus text format: a `# HELP` and `# TYPE` line per family,
    /// label values escaped, newline-terminated.
    public var prometheus: String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: [(String, String)], value: String)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for s in samples {
                let labels = s.labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",")
                out += "\(name){\(labels)} \(s.value)\n"
            }
        }
        let h = [("host", host)]
        func flowLabels(_ f: FlowCounter) -> [(String, String)] {
            h + [("direction", f.direction), ("flow", f.flow), ("policy_line", f.policyLine), ("family", f.family), ("action", f.action)]
        }
        family("fwctl_flow_packets_total", "counter", "Packets matched by the rules of a policy flow since they were loaded.",
               flows.map { (flowLabels($0), String($0.packets)) })
        family("fwctl_flow_bytes_total", "counter", "Bytes matched by the rules of a policy flow since they were loaded.",
               flows.map { (flowLabels($0), String($0.bytes)) })
        family("fwctl_dropped_packets_total", "counter", "Packets dropped by a chain's policy (nothing in the policy admitted them).",
               drops.map { (h + [("chain", $0.chain)], String($0.packets)) })
        family("fwctl_dropped_bytes_total", "counter", "Bytes dropped by a chain's policy.",
               drops.map { (h + [("chain", $0.chain)], String($0.bytes)) })
        family("fwctl_table_loaded", "gauge", "1 when fwctl's table is loaded in the kernel.", [(h, loaded ? "1" : "0")])
        family("fwctl_drift_changes", "gauge", "Changes fwctl apply would make now (0: in sync with the policy).", [(h, String(driftChanges))])
        family("fwctl_in_sync", "gauge", "1 when the loaded table is what the policy compiles to.", [(h, inSync ? "1" : "0")])
        if let t = lastApply?.timestamp {
            family("fwctl_last_apply_timestamp_seconds", "gauge", "When the last apply reached the kernel (seconds since 1970).",
                   [(h, String(format: "%.3f", t))])
        }
        return out
    }

    /// A label value as the text format wants it: `\` `"` and newline escaped.
    static func escape(_ value: String) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }
}
