import Foundation
import FwctlPolicy

extension AuditFormat {
    /// The report on `hosts` (nil: every host) in this format, handed to `out` in pieces as
    /// it is made: JSON of `schema` 2 host by host (`AuditExport.write`), the others whole.
    /// The parameters are `AuditReportBuilder.build`'s.
    public func write(fleet: Fleet, files: [SourceFile], hosts: [String]?, schema: Int, now: Date, git: AuditReport.Git?,
                      live: [String: AuditReport.Live], liveReason: String, lastApply: [String: AuditReport.LastApply],
                      to out: (String) throws -> Void) throws {
        if self == .json && schema == 2 {
            return try AuditExport(fleet: fleet, files: files, hosts: hosts, now: now, git: git,
                                   live: live, liveReason: liveReason, lastApply: lastApply).write(out)
        }
        try out(render(AuditReportBuilder(fleet: fleet, files: files).build(
            hosts: hosts, now: now, git: git, live: live, liveReason: liveReason, lastApply: lastApply)))
    }
}
