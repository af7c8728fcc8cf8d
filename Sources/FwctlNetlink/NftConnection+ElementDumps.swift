import FwctlRuleset
#if canImport(Glibc)
import Glibc
#endif

/// The element dumps of a table's sets, two at a time when there are several. The kernel
/// walks a set's tree from its first element for every 32 KB dump message it fills (a
/// 25,000-address interval set: 50,000 kernel elements, about 40 messages), all of it in
/// the reading thread, so with a second core a second connection on another thread takes
/// every other set and the dumps take about half as long.
extension NftConnection {
    /// One set's GETSETELEM dump as received.
    struct ElementDump {
        var messages: [NetlinkMessage] = []
        var interrupted = false
    }

    /// The dumps of `sets` of table `ref`, in the order given.
    func dumpElements(of sets: [String], table ref: TableRef) throws -> [ElementDump] {
        let work = SharedWork(sets.count)
        let path = netnsPath
        let helper = sets.count > 1 && sysconf(Int32(_SC_NPROCESSORS_ONLN)) > 1 ? HelperThread {
            do {
                let other = try NftConnection(netnsPath: path)
                while let i = work.next() { work.store(try other.dumpElements(of: sets[i], table: ref), at: i) }
            } catch {
                work.fail(error)
            }
        } : nil
        do {
            while let i = work.next() { work.store(try dumpElements(of: sets[i], table: ref), at: i) }
        } catch {
            work.fail(error)
        }
        helper?.join()
        return try work.results()
    }

    private func dumpElements(of name: String, table ref: TableRef) throws -> ElementDump {
        let r = try request(NftMsg.getSetElem, family: ref.family, flags: NftMsg.dump, object: try NftnlBuild.setRef(ref, name: name),
                            elements: true, operation: "dump elements of set \(name)")
        return ElementDump(messages: r.messages, interrupted: r.interrupted)
    }
}

/// The sets still to dump and the dumps made, shared by the two threads under a mutex.
private final class SharedWork: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var nextIndex = 0
    private var dumps: [NftConnection.ElementDump?]
    private var error: (any Error)?

    init(_ count: Int) {
        pthread_mutex_init(mutex, nil)
        dumps = Array(repeating: nil, count: count)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// The next set to dump; nil when none is left or a dump failed.
    func next() -> Int? {
        locked {
            guard error == nil, nextIndex < dumps.count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    func store(_ dump: NftConnection.ElementDump, at i: Int) { locked { dumps[i] = dump } }

    func fail(_ e: any Error) { locked { if error == nil { error = e } } }

    /// Every dump, or the first error (call once both threads are done).
    func results() throws -> [NftConnection.ElementDump] {
        let (failure, done) = locked { (error, dumps) }
        if let failure { throw failure }
        return done.map { $0 ?? NftConnection.ElementDump() }
    }
}

/// A POSIX thread running one closure (this module has no Foundation); nil-safe to join.
private final class HelperThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private var thread = pthread_t()
    private var started = false

    /// Starts `body` on a new thread; when no thread can be made, runs nothing (the caller's
    /// own loop then does all the work).
    init(_ body: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        started = pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context) == 0
        if !started { Unmanaged<Body>.fromOpaque(context).release() }
    }

    func join() {
        if started { pthread_join(thread, nil) }
        started = false
    }
}
