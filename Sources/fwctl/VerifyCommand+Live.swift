import FwctlCLI
import FwctlCompiler
import FwctlKernel
import FwctlPlanner
import FwctlPolicy
import FwctlRuleset

extension VerifyCommand {
    /// This machine's table as the kernel holds it, and its drift from the compiled table
    /// (each line also written to standard error).
    func readLive(_ fleet: Fleet, compiler: Compiler, host: String) throws -> (Ruleset, [String]) {
        try KernelOptions.requireRoot("verify --live")
        let ref = TableRef(family: .inet, name: fleet.defaults.tableName)
        let table: Table
        do {
            guard let loaded = try NetlinkBackend().read(table: ref).table else {
                throw CLIError("table \(ref) is not loaded in this network namespace: nothing to verify (run fwctl apply first)")
            }
            table = loaded
        } catch let e as CLIError {
            throw e
        } catch {
            throw CLIError("cannot read table \(ref) from the kernel: \(error)")
        }
        let drift = LiveDrift.lines(loaded: table, desired: try compiler.compile(host: host).tables[0])
        for line in drift { Terminal.writeError("fwctl: drift in the loaded table: \(line)") }
        return (Ruleset(tables: [table]), drift)
    }
}
