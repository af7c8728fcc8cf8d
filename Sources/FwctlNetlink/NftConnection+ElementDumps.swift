import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

/// The element dumps of a table's sets. The kernel walks a set's tree from its first element
/// for every 32 KB dump message it fills (a 25,000-address interval set: 50,000 kernel
/// elements, about 40 messages), all of it in the reading thread. A read running on another
/// thread while the main thread compiles (`NetlinkBackend.prefetch`) gets help from the main
/// thread once that one has nothing left to do but wait for it (`DumpHelp`): each thread then
/// takes the next set on a connection of its own. Never from a thread that has work of its
/// own, so the help costs the compilation nothing.
extension NftConnection {
    /// One set's GETSETELEM dump as received.
    struct ElementDump {
        var messages: [NetlinkMessage] = []
        var interrupted = false
    }

    /// The dumps of `sets` of table `ref`, in the order given.
    func dumpElements(of sets: [String], table ref: TableRef) throws -> [ElementDump] {
        let work = ElementDumpWork(sets: sets, table: ref, netnsPath: netnsPath)
        dumpHelp?.offer(work)
        work.run(on: self)
        dumpHelp?.withdraw()
        return try work.results()
    }

    fileprivate func dumpElements(of name: String, table ref: TableRef) throws -> ElementDump {
        let r = try request(NftMsg.getSetElem, family: ref.family, flags: NftMsg.dump, object: try NftnlBuild.setRef(ref, name: name),
                            elements: true, operation: "dump elements of set \(name)")
        return ElementDump(messages: r.messages, interrupted: r.interrupted)
    }
}

/// Help for a read running on another thread: the thread that waits for the read calls
/// `help()` first, and dumps sets of the read's element dumps, if any are still to be made.
public final class DumpHelp: @unchecked Sendable {
    // @unchecked: every field is used under `mutex`.
    private let mutex = Mutex()
    private var work: ElementDumpWork?
    private var helping = 0
    private var finished = false

    public init() {}

    /// Waits until the read offers element dumps or is over; dumps sets until none is left.
    public func help() {
        let work: ElementDumpWork? = mutex.locked {
            while self.work == nil && !finished { mutex.wait() }
            if self.work != nil { helping += 1 }
            return self.work
        }
        guard let work else { return }
        do { work.run(on: try NftConnection(netnsPath: work.netnsPath)) } catch { work.fail(error) }
        mutex.locked {
            helping -= 1
            mutex.broadcast()
        }
    }

    /// The read is over (whatever its outcome): a thread waiting in `help` returns.
    public func finish() {
        mutex.locked {
            finished = true
            mutex.broadcast()
        }
    }

    fileprivate func offer(_ w: ElementDumpWork) {
        mutex.locked {
            work = w
            mutex.broadcast()
        }
    }

    /// No more helpers; returns once the ones dumping are done.
    fileprivate func withdraw() {
        mutex.locked {
            work = nil
            while helping > 0 { mutex.wait() }
        }
    }
}

/// The sets still to dump and the dumps made, shared by the threads dumping them.
private final class ElementDumpWork: @unchecked Sendable {
    // @unchecked: the mutable fields are used under `mutex`.
    let sets: [String]
    let ref: TableRef
    let netnsPath: String?
    private let mutex = Mutex()
    private var nextIndex = 0
    private var dumps: [NftConnection.ElementDump?]
    private var error: (any Error)?

    init(sets: [String], table: TableRef, netnsPath: String?) {
        self.sets = sets
        ref = table
        self.netnsPath = netnsPath
        dumps = Array(repeating: nil, count: sets.count)
    }

    /// Dumps the next set on `connection` until none is left or a dump failed.
    func run(on connection: NftConnection) {
        while let i = next() {
            do {
                let dump = try connection.dumpElements(of: sets[i], table: ref)
                mutex.locked { dumps[i] = dump }
            } catch {
                fail(error)
            }
        }
    }

    private func next() -> Int? {
        mutex.locked {
            guard error == nil, nextIndex < dumps.count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    func fail(_ e: any Error) { mutex.locked { if error == nil { error = e } } }

    /// Every dump, or the first error (once every thread is done).
    func results() throws -> [NftConnection.ElementDump] {
        let (failure, done) = mutex.locked { (error, dumps) }
        if let failure { throw failure }
        return done.map { $0 ?? NftConnection.ElementDump() }
    }
}

/// A pthread mutex with its condition variable (this module has no Foundation).
private final class Mutex {
    private let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let c = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(m, nil)
        pthread_cond_init(c, nil)
    }

    deinit {
        pthread_cond_destroy(c)
        pthread_mutex_destroy(m)
        c.deallocate()
        m.deallocate()
    }

    func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return body()
    }

    /// Inside `locked`: waits for a broadcast.
    func wait() { pthread_cond_wait(c, m) }

    /// Inside `locked`.
    func broadcast() { pthread_cond_broadcast(c) }
}
