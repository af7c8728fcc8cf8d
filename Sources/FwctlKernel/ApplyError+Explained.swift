import FwctlNetlink
import FwctlPlanner
#if canImport(Glibc)
import Glibc
#endif

/// Errors from the kernel as one line the user can act on, decided on error numbers.
extension ApplyError {
    /// Runs `body`; its error becomes an `ApplyError` (see `explanation(of:plan:)`). `plan`:
    /// the plan `body` applies, whose refused change the line names.
    public static func explained<T>(_ plan: Plan? = nil, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw explanation(of: error, plan: plan)
        }
    }

    /// A refused change of `plan` is named with its object and, for a rule, its policy line
    /// (`BackendError.message(for:)`); a refusal of the whole batch or a failed read that
    /// means fwctl cannot work here at all (no permission, no nf_tables) says what to do.
    public static func explanation(of error: Error, plan: Plan?) -> ApplyError {
        switch error {
        case let e as ApplyError:
            return e
        case let e as BackendError:
            if case .rejected(nil, let errno, _) = e, let advice = advice(errno) { return ApplyError(advice) }
            return ApplyError(plan.map { e.message(for: $0) } ?? e.description)
        case let e as NetlinkError:
            return ApplyError(advice(e.errno) ?? e.description)
        default:
            return ApplyError("\(error)")
        }
    }

    /// A netlink socket that could not be opened: what to do about it.
    public static func socketFailure(_ error: Error) -> ApplyError {
        ApplyError((error as? NetlinkError).flatMap { advice($0.errno) } ?? "cannot open a netlink socket to nf_tables: \(error)")
    }

    /// What an error number about netlink as a whole (not one change) asks the user to do.
    static func advice(_ errno: Int32) -> String? {
        switch errno {
        case EPERM:
            "the kernel refused: operation not permitted. Reading or changing nf_tables needs root (CAP_NET_ADMIN): run fwctl with sudo"
        case EPROTONOSUPPORT, EAFNOSUPPORT:
            "this kernel has no nf_tables (netlink NETLINK_NETFILTER unavailable): load the nf_tables module or use a kernel built with it"
        default:
            nil
        }
    }
}
