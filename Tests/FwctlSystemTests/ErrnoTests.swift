import FwctlSystem
import Glibc
import Testing

@Suite struct ErrnoTests {
    @Test func namesTheConstantThenSaysWhat() {
        #expect(Errno.reason(ENOENT) == "ENOENT (no such file or directory)")
        #expect(Errno.reason(ENOSPC) == "ENOSPC (no space left on the device)")
        #expect(Errno.name(EACCES) == "EACCES")
    }

    @Test func anUnnamedOneIsItsNumber() {
        #expect(Errno.reason(EHWPOISON) == "errno \(EHWPOISON)")
        #expect(Errno.name(EHWPOISON) == "errno \(EHWPOISON)")
    }

    /// Every errno fwctl's messages name: the kernel's answers to a batch, and opening,
    /// writing and locking files in the state directory.
    @Test(arguments: [ENOENT, EEXIST, EBUSY, EINVAL, EOPNOTSUPP, ELOOP, EMLINK, ERANGE, EPERM, ENFILE,
                      EACCES, ENOTDIR, EROFS, ENOSPC, EISDIR, EMFILE])
    func everyOneFwctlReportsHasItsName(_ code: Int32) {
        #expect(!Errno.name(code).hasPrefix("errno"))
        #expect(Errno.reason(code).hasPrefix(Errno.name(code) + " ("))
    }
}
