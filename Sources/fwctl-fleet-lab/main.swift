import Foundation
import FwctlLab
import FwctlPolicy

/// `fwctl-fleet-lab POLICY MAPFILE`: the policy's fleet in network namespaces (one per host and
/// per outside network, joined by a bridge; `FwctlLab`'s builder), no table loaded anywhere,
/// kept until told to go. The fleet test (scripts/fleet-test.py) starts sshd in the hosts'
/// namespaces and runs Ansible from a network's namespace.
///
/// MAPFILE gets one line per end, `kind name namespace v4 v6` (`-` for a missing family),
/// then this prints `ready`. Then, per line `probe` on standard input, it probes the fleet as
/// `fwctl lab` does (the tables as loaded meanwhile, against the verifier), prints the lab's
/// report and `agrees` or `disagrees`. Everything is deleted on SIGINT/SIGTERM and when
/// standard input reaches end of file, so a harness that dies, even by SIGKILL, leaves no
/// namespace behind.
/// One line to the harness, unbuffered (it waits for each).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: fwctl-fleet-lab POLICY MAPFILE\n".utf8))
    exit(64)
}
guard geteuid() == 0 else {
    FileHandle.standardError.write(Data("fwctl-fleet-lab: needs root (it creates network namespaces)\n".utf8))
    exit(1)
}
let loaded: CheckResult
do { loaded = try PolicyFrontEnd.load(path: arguments[1], today: CalendarDate.today(), warnings: false) } catch {
    FileHandle.standardError.write(Data("fwctl-fleet-lab: \(error)\n".utf8))
    exit(1)
}
guard let fleet = loaded.fleet, !loaded.hasErrors else {
    FileHandle.standardError.write(Data("fwctl-fleet-lab: \(arguments[1]) has errors (run fwctl check)\n".utf8))
    exit(1)
}
LabRegistry.installSignalHandlers()
let plan = LabPlan(fleet: fleet)
let network: LabNetwork
do { network = try LabNetwork(plan: plan) } catch {
    FileHandle.standardError.write(Data("fwctl-fleet-lab: \(error)\n".utf8))
    exit(1)
}
var map = ""
for end in plan.ends {
    guard let ns = network.namespaces[end.name] else { continue }
    map += "\(end.kind.rawValue) \(end.name) \(ns) \(end.v4.map { "\($0)" } ?? "-") \(end.v6.map { "\($0)" } ?? "-")\n"
}
do { try map.write(toFile: arguments[2], atomically: true, encoding: .utf8) } catch {
    network.remove()
    FileHandle.standardError.write(Data("fwctl-fleet-lab: cannot write \(arguments[2]): \(error)\n".utf8))
    exit(1)
}
say("ready")
// Until the harness closes our standard input (or dies).
while let line = readLine() {
    guard line == "probe" else { continue }
    do {
        let report = try Lab.probeLive(fleet: fleet, plan: plan, network: network)
        say(report.text)
        say(report.agrees ? "agrees" : "disagrees")
    } catch {
        say("probe failed: \(error)")
        say("disagrees")
    }
}
network.remove()
