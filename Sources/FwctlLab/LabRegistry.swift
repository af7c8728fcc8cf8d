import Foundation

/// Every namespace the process's labs created and have not yet deleted, so an interrupt
/// (SIGINT/SIGTERM) deletes them too.
public enum LabRegistry {
    nonisolated(unsafe) private static var live: Set<String> = []
    nonisolated(unsafe) private static var counter = 0
    private static let lock = NSLock()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    /// A fresh name `PREFIX-N`, recorded before the namespace exists.
    static func reserve(prefix: String) -> String {
        lock.withLock {
            counter += 1
            let name = "\(prefix)-\(counter)"
            live.insert(name)
            return name
        }
    }

    /// Deletes a namespace (when it exists) and forgets it.
    static func delete(_ name: String) {
        let known = lock.withLock { live.remove(name) != nil }
        guard known else { return }
        _ = try? LabProcess.run(["ip", "netns", "delete", name])
    }

    /// Names still alive.
    public static var names: Set<String> { lock.withLock { live } }

    /// On SIGINT or SIGTERM: delete every live namespace, then exit 130 / 143.
    public static func installSignalHandlers() {
        lock.withLock {
            guard sources.isEmpty else { return }
            for (sig, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    for name in LabRegistry.names { LabRegistry.delete(name) }
                    exit(code)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}

/// Runs a command and collects its output (the lab's only use: `ip`).
enum LabProcess {
    static func run(_ argv: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = argv
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}
