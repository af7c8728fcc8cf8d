import FwctlNetlink
import FwctlPlanner
import Glibc
import Testing
#if canImport(Glibc)
@testable import FwctlKernel
#endif

/// `ApplyError.explanation` decides on error numbers, never on the text around them.
@Suite struct ApplyErrorExplanationTests {
    static let root = "the kernel refused: operation not permitted. Reading or changing nf_tables needs root (CAP_NET_ADMIN): run fwctl with sudo"

    @Test func permissionIsAnErrorNumber() {
        #expect(ApplyError.explanation(of: NetlinkError(errno: EPERM, operation: "read generation id"), plan: nil).description == Self.root)
        #expect(ApplyError.explanation(of: BackendError.rejected(changeIndex: nil, errno: EPERM, reason: "commit batch"), plan: nil).description == Self.root)
        // Text that merely mentions it is not the error.
        let named = NetlinkError(errno: ENOENT, operation: "read table inet fwctl", object: "Operation not permitted")
        #expect(ApplyError.explanation(of: named, plan: nil).description == named.description)
        let protocolText = NetlinkError(errno: EINVAL, operation: "add rule", message: "Protocol not supported")
        #expect(ApplyError.explanation(of: protocolText, plan: nil).description == protocolText.description)
        #expect(ApplyError.explanation(of: NetlinkError(errno: EPROTONOSUPPORT, operation: "open netlink socket"), plan: nil).description.hasPrefix("this kernel has no nf_tables"))
    }

    /// A refused change is named with the plan's words, even when its errno is EPERM (a
    /// table another process owns).
    @Test func aRefusedChangeIsNamedWithThePlan() {
        let plan = PlanTransactionTests.plan
        let error = BackendError.rejected(changeIndex: 4, errno: EPERM, reason: "the kernel refused it")
        #expect(ApplyError.explanation(of: error, plan: plan).description
                == "cannot add a rule to chain input from t.policy:9: allow db -> web : postgres (EPERM: the kernel refused it); nothing was applied")
        #expect(ApplyError.explanation(of: error, plan: nil).description == error.description)
    }
}
