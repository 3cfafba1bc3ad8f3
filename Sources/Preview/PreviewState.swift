import Catalog
import Foundation

/// What the server serves: the last good site and, when the last rebuild failed, why. Written
/// by the rebuild loop, read by request handlers; swapped whole under a lock, so a request sees
/// one site or the next, never half of each.
public final class PreviewState: @unchecked Sendable {
    private let lock = NSLock()
    private var _files: [String: Data] = [:]
    private var _diagnostics: [Diagnostic] = []
    private var _rebuilds = 0

    public init() {}

    /// The site being served, by output path.
    public var files: [String: Data] { lock.withLock { _files } }
    /// Diagnostics of the last rebuild, empty when it succeeded.
    public var diagnostics: [Diagnostic] { lock.withLock { _diagnostics } }
    /// How many rebuilds have run (the first build included).
    public var rebuilds: Int { lock.withLock { _rebuilds } }

    func succeeded(with files: [String: Data]) {
        lock.withLock {
            _files = files
            _diagnostics = []
            _rebuilds += 1
        }
    }

    func failed(with diagnostics: [Diagnostic]) {
        lock.withLock {
            _diagnostics = diagnostics
            _rebuilds += 1
        }
    }
}

/// Fans the "reload" event out to every open page.
public actor ReloadHub {
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]

    public init() {}

    /// A stream of events for one page, and the id to unsubscribe it with.
    public func subscribe() -> (UUID, AsyncStream<String>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(8))
        subscribers[id] = continuation
        return (id, stream)
    }

    public func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)?.finish()
    }

    public func broadcast(_ event: String = "reload") {
        for continuation in subscribers.values { continuation.yield(event) }
    }

    public var count: Int { subscribers.count }

    /// Ends every stream, so open event streams close when the server stops.
    public func finishAll() {
        for continuation in subscribers.values { continuation.finish() }
        subscribers = [:]
    }
}
