import Foundation

/// A new, empty directory under the system's temporary directory with a unique name,
/// removed with everything in it by `remove()` or at the latest by `deinit`. Use
/// `defer { dir.remove() }` right after creating one: Swift may end an object's life at its
/// last use, before the end of the scope.
public final class ScratchDirectory: @unchecked Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { remove() }

    /// `name` inside the directory.
    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `text` to `name` (creating the directories on the way) and returns its URL.
    @discardableResult
    public func write(_ text: String, to name: String) throws -> URL {
        let file = file(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: file, atomically: false, encoding: .utf8)
        return file
    }

    /// Copies the file at `source` to `name` and returns the copy's URL.
    public func copy(_ source: URL, to name: String) throws -> URL {
        let file = file(name)
        try FileManager.default.copyItem(at: source, to: file)
        return file
    }

    /// Runs git in the directory as a fixed test identity; throws `CommandFailure` when git fails.
    @discardableResult
    public func git(_ args: [String]) throws -> String {
        let argv = ["git", "-C", path, "-c", "user.name=t", "-c", "user.email=t@example.invalid"] + args
        let (status, out, err) = try runProcess(argv, stdin: nil)
        guard status == 0 else { throw CommandFailure(argv: argv, status: status, stderr: err) }
        return out
    }

    public func remove() { try? FileManager.default.removeItem(at: url) }
}
