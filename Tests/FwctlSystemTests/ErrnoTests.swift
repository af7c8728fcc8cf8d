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
}
