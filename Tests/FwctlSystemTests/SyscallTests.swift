import Foundation
import FwctlSystem
import Synchronization
import Testing

/// SIGUSR1s the handler saw (a C handler captures nothing, so this is global).
private let signalsHandled = Atomic<Int>(0)

@Suite(.serialized) struct SyscallTests {
    /// A call failing with `code` `failures` times, then returning 7; counts its calls.
    final class Flaky: @unchecked Sendable {
        var calls = 0
        let failures: Int, code: Int32
        init(failures: Int, code: Int32) { (self.failures, self.code) = (failures, code) }
        func call() -> Int {
            calls += 1
            if calls <= failures { errno = code; return -1 }
            return 7
        }
    }

    @Test func eintrIsRetriedUntilTheCallCompletes() {
        let flaky = Flaky(failures: 3, code: EINTR)
        #expect(Syscall.retryingEINTR(flaky.call) == 7)
        #expect(flaky.calls == 4)
    }

    @Test func otherFailuresReturnAtOnceWithTheirErrno() {
        let flaky = Flaky(failures: 1, code: EAGAIN)
        let (result, code) = (Syscall.retryingEINTR(flaky.call), errno)
        #expect(result == -1 && code == EAGAIN)
        #expect(flaky.calls == 1)
    }

    /// A pipe whose ends are closed after `body`.
    func withPipe(_ body: (_ read: Int32, _ write: Int32) throws -> Void) throws {
        var fds: [Int32] = [-1, -1]
        try #require(Subprocess.pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        try body(fds[0], fds[1])
    }

    /// SIGUSR1 with a handler installed without SA_RESTART, so a blocked read(2) returns
    /// EINTR (as the lab's and the watchdog's handlers make it do).
    func installHandler() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in signalsHandled.add(1, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGUSR1, &action, nil)
    }

    /// Runs `read` on a thread and signals that thread until `interrupted()` says the signal
    /// got through (at most two seconds), then writes `payload` to unblock it; returns what
    /// `read` returned.
    func signalledRead(write fd: Int32, payload: [UInt8], interrupted: @escaping @Sendable () -> Bool,
                       _ read: @escaping @Sendable () -> Int) throws -> Int {
        installHandler()
        let started = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let thread = Mutex<pthread_t?>(nil), result = Mutex(0)
        Thread.detachNewThread {
            // Threads started from the test runner's inherit its blocked signals.
            var usr1 = sigset_t()
            sigemptyset(&usr1)
            sigaddset(&usr1, SIGUSR1)
            pthread_sigmask(SIG_UNBLOCK, &usr1, nil)
            thread.withLock { $0 = pthread_self() }
            started.signal()
            let n = read()
            result.withLock { $0 = n }
            done.signal()
        }
        started.wait()
        let reader = try #require(thread.withLock { $0 })
        for _ in 0..<400 where !interrupted() {
            pthread_kill(reader, SIGUSR1)
            usleep(5_000)
        }
        #expect(Syscall.writeAll(fd, payload) == payload.count)
        #expect(done.wait(timeout: .now() + 10) == .success)
        return result.withLock { $0 }
    }

    /// The premise: the signal does interrupt a blocked read(2), which fails with EINTR.
    @Test func aSignalInterruptsABareRead() throws {
        try withPipe { r, w in
            let outcome = Mutex<(Int, Int32)?>(nil)
            _ = try signalledRead(write: w, payload: [1], interrupted: { outcome.withLock { $0 != nil } }) {
                var byte: UInt8 = 0
                let n = read(r, &byte, 1)
                outcome.withLock { $0 = (n, errno) }
                return n
            }
            let (n, code) = try #require(outcome.withLock { $0 })
            #expect(n == -1 && code == EINTR)
        }
    }

    /// The same read through the wrapper: interrupted at least once, retried, and it returns
    /// the bytes written after the signals.
    @Test func anInterruptedReadIsRetriedAndGetsTheData() throws {
        try withPipe { r, w in
            let calls = Atomic<Int>(0)
            let before = signalsHandled.load(ordering: .relaxed)
            let n = try signalledRead(write: w, payload: [1, 2, 3], interrupted: { calls.load(ordering: .relaxed) >= 2 }) {
                var buffer = [UInt8](repeating: 0, count: 3)
                return Syscall.retryingEINTR {
                    calls.add(1, ordering: .relaxed)
                    return buffer.withUnsafeMutableBytes { read(r, $0.baseAddress, $0.count) }
                }
            }
            #expect(n == 3)
            #expect(calls.load(ordering: .relaxed) >= 2)
            #expect(signalsHandled.load(ordering: .relaxed) > before)
        }
    }

    @Test func readFullyStopsAtTheEndOfTheData() throws {
        try withPipe { r, w in
            #expect(Syscall.writeAll(w, Array("hello".utf8)) == 5)
            close(w)
            var buffer = [UInt8](repeating: 0, count: 64)
            #expect(buffer.withUnsafeMutableBytes { Syscall.readFully(r, into: $0) } == 5)
            #expect(Array(buffer[..<5]) == Array("hello".utf8))
        }
    }

    /// A temporary file holding `text`, open for reading and writing, already unlinked.
    func scratchFile(_ text: String) throws -> Int32 {
        var template = Array((NSTemporaryDirectory() + "/fwctl-syscall-XXXXXX").utf8CString)
        let fd = mkstemp(&template)
        try #require(fd >= 0)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        #expect(Syscall.writeAll(fd, Array(text.utf8)) == text.utf8.count)
        return fd
    }

    @Test func readFullyFromAnOffsetUsesPread() throws {
        let fd = try scratchFile("0123456789")
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4)
        #expect(buffer.withUnsafeMutableBytes { Syscall.readFully(fd, into: $0, at: 3) } == 4)
        #expect(String(decoding: buffer, as: UTF8.self) == "3456")
    }

    /// A size hint smaller than the file (it grew after fstat) still reads all of it, and a
    /// larger one reads what there is.
    @Test(arguments: [0, 5, 70_000, 200_000])
    func readToEndReadsTheWholeFileWhateverTheHint(_ hint: Int) throws {
        let text = String(repeating: "fwctl ", count: 20_000)
        let fd = try scratchFile(text)
        defer { close(fd) }
        lseek(fd, 0, SEEK_SET)
        #expect(Syscall.readToEnd(fd, sizeHint: hint).map { String(decoding: $0, as: UTF8.self) } == text)
    }

    @Test func failuresKeepTheirErrno() {
        var buffer = [UInt8](repeating: 0, count: 4)
        let read = (buffer.withUnsafeMutableBytes { Syscall.readFully(-1, into: $0) }, errno)
        #expect(read.0 == -1 && read.1 == EBADF)
        let written = (Syscall.writeAll(-1, [1]), errno)
        #expect(written.0 == -1 && written.1 == EBADF)
        let whole = (Syscall.readToEnd(-1, sizeHint: 0), errno)
        #expect(whole.0 == nil && whole.1 == EBADF)
    }
}
