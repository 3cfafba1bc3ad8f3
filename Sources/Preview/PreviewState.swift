import Catalog
import Foundation
import Site

/// What the server serves: the last good site and, when the last rebuild failed, why. Written
/// by the rebuild loop, read by request handlers; swapped whole under a lock, so a request sees
/// one site or the next, never half of each.
///
/// While a rebuild that has already rendered the open pages goes on (`showEarly`), those pages
/// are served from it, and a request for anything the rest of the rebuild may still change
/// waits for it to end (`settle(_:)`): a reader who follows a link after the reload never gets
/// a page from before the edit.
public final class PreviewState: @unchecked Sendable {
    private let lock = NSLock()
    private var _files: [String: Data] = [:]
    private var _diagnostics: [Diagnostic] = []
    private var _rebuilds = 0
    private var early: LiveSite.Early?
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// What one request is answered from, read under one lock: the site and the diagnostics
    /// that go with it, never the early pages of one rebuild with the overlay of another.
    /// Copying it copies no dictionary (they are shared until written).
    public struct Served: Sendable {
        /// The last good site, by output path.
        public var site: [String: Data]
        /// The open pages of a rebuild still going on, served in place of the site's.
        public var early: [String: Data]
        /// Diagnostics of the last rebuild, empty when it succeeded. While a rebuild shows its
        /// open pages early they are not shown: those pages are past them (when it fails in
        /// the end, its own diagnostics take their place).
        public var diagnostics: [Diagnostic]

        public subscript(path: String) -> Data? { early[path] ?? site[path] }
    }

    /// The site and diagnostics to answer a request from.
    public var served: Served {
        lock.withLock {
            Served(site: _files, early: early?.files ?? [:], diagnostics: early == nil ? _diagnostics : [])
        }
    }

    /// The site being served, by output path: the last good site, with the open pages of a
    /// rebuild still going on in place of theirs. (Merges a copy: for tests; requests use
    /// `served`.)
    public var files: [String: Data] {
        let served = served
        return served.site.merging(served.early) { _, new in new }
    }
    /// Diagnostics of the last rebuild, as `served` gives them.
    public var diagnostics: [Diagnostic] { served.diagnostics }
    /// How many rebuilds have run (the first build included).
    public var rebuilds: Int { lock.withLock { _rebuilds } }

    /// Returns once `path` (an output path, `hardware-combos/x/index.html`) can be served: at
    /// once, unless a rebuild has shown its open pages early and may still change or add it.
    public func settle(_ path: String) async {
        guard mustWait(for: path) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = lock.withLock { () -> Bool in
                guard early != nil else { return true }
                waiting.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func mustWait(for path: String) -> Bool {
        lock.withLock {
            guard let early else { return false }
            if early.files[path] != nil { return false }
            if early.pending.contains(path) { return true }
            if _files[path] != nil { return false }
            // A folder asked for without its slash is answered with a redirect to the folder,
            // which can be given now when the folder's page is there and stays.
            let folder = path + "/index.html"
            if early.files[folder] != nil { return false }
            return early.pending.contains(folder) || _files[folder] == nil
        }
    }

    func showEarly(_ pages: LiveSite.Early) {
        lock.withLock { early = pages }
    }

    func succeeded(with files: [String: Data]) {
        let waiters = lock.withLock {
            _files = files
            _diagnostics = []
            _rebuilds += 1
            return endEarly()
        }
        waiters.forEach { $0.resume() }
    }

    func failed(with diagnostics: [Diagnostic]) {
        let waiters = lock.withLock {
            _diagnostics = diagnostics
            _rebuilds += 1
            return endEarly()
        }
        waiters.forEach { $0.resume() }
    }

    /// Under the lock: the rebuild is over, so nothing is served from it any more.
    private func endEarly() -> [CheckedContinuation<Void, Never>] {
        early = nil
        defer { waiting = [] }
        return waiting
    }
}

/// Fans the "reload" event out to every open page.
public actor ReloadHub {
    private var subscribers: [UUID: AsyncStream<String>.Continuation] = [:]
    private let pages = OpenPages()

    public init() {}

    /// A stream of events for one page, and the id to unsubscribe it with. `page` is the output
    /// path of the page that listens (`hardware-combos/x/index.html`), when it said which.
    public func subscribe(page: String? = nil) -> (UUID, AsyncStream<String>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(8))
        subscribers[id] = continuation
        if let page { pages.open(id, page) }
        return (id, stream)
    }

    public func unsubscribe(_ id: UUID) {
        subscribers.removeValue(forKey: id)?.finish()
        pages.close(id)
    }

    /// The output paths of the pages open in a browser now, for the rebuild loop (which runs on
    /// a thread of its own, not in the actor).
    public nonisolated var openPages: Set<String> { pages.all }

    public func broadcast(_ event: String = "reload") {
        for continuation in subscribers.values { continuation.yield(event) }
    }

    public var count: Int { subscribers.count }

    /// Ends every stream, so open event streams close when the server stops.
    public func finishAll() {
        for continuation in subscribers.values { continuation.finish() }
        for id in subscribers.keys { pages.close(id) }
        subscribers = [:]
    }
}

/// The page each event stream listens for, readable from any thread.
final class OpenPages: @unchecked Sendable {
    private let lock = NSLock()
    private var pages: [UUID: String] = [:]

    func open(_ id: UUID, _ page: String) { lock.withLock { pages[id] = page } }
    func close(_ id: UUID) { lock.withLock { pages[id] = nil } }
    var all: Set<String> { lock.withLock { Set(pages.values) } }
}
