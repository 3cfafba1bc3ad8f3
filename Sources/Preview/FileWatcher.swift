import Catalog
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Watches folders for saved, created, moved and deleted files with inotify, and reports each
/// burst of changes once: after the first change it waits until `quiet` has passed with no
/// other (an editor's save is often a write, a rename and a delete within a millisecond), at
/// most `longest`. Editors' swap, backup and temporary files are ignored.
final class FileWatcher: @unchecked Sendable {
    /// A burst of changes: the files it touched and when the first one was seen.
    struct Burst {
        let paths: [String]
        let firstSeen: ContinuousClock.Instant
    }

    private let roots: [String]
    private let quiet: Duration
    private let longest: Duration
    private let onBurst: @Sendable (Burst) -> Void
    private var descriptor: Int32 = -1
    private var watches: [Int32: String] = [:]
    private var stopPipe: [Int32] = [-1, -1]
    private var thread: Thread?

    init(roots: [String], quiet: Duration = .milliseconds(10), longest: Duration = .milliseconds(150),
         onBurst: @escaping @Sendable (Burst) -> Void) {
        self.roots = roots
        self.quiet = quiet
        self.longest = longest
        self.onBurst = onBurst
    }

    /// Starts watching on a thread of its own; throws when the system refuses.
    func start() throws {
        #if canImport(Glibc)
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw WatcherError(message: "inotify is not available (\(String(cString: strerror(errno))))") }
        guard pipe(&stopPipe) == 0 else { throw WatcherError(message: "could not create a pipe") }
        for root in roots { addWatches(under: root) }
        let thread = Thread { [self] in self.loop() }
        thread.name = "combos-watcher"
        thread.start()
        self.thread = thread
        #else
        throw WatcherError(message: "watching files needs Linux inotify")
        #endif
    }

    func stop() {
        #if canImport(Glibc)
        if stopPipe[1] >= 0 {
            var byte: UInt8 = 1
            _ = write(stopPipe[1], &byte, 1)
        }
        #endif
    }

    struct WatcherError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    #if canImport(Glibc)
    private func addWatches(under directory: String) {
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DELETE_SELF)
        let watch = inotify_add_watch(descriptor, directory, mask)
        if watch >= 0 { watches[watch] = directory }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for entry in entries where !entry.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            let path = directory + "/" + entry
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                addWatches(under: path)
            }
        }
    }

    private func loop() {
        var pending: [String] = []
        var firstSeen: ContinuousClock.Instant?
        var lastSeen: ContinuousClock.Instant?
        let clock = ContinuousClock()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var timeout: Int32 = -1
            if let first = firstSeen, let last = lastSeen {
                let now = clock.now
                let untilQuiet = quiet - (now - last)
                let untilLongest = longest - (now - first)
                let wait = min(untilQuiet, untilLongest)
                if wait <= .zero, untilLongest > .zero, hasQueuedEvents() {
                    // Events already queued belong to this burst: this thread was late to read
                    // them (on a busy machine it can wait longer than `quiet` for a core), not
                    // the editor late to write them, and the burst was split in two.
                    timeout = 0
                } else if wait <= .zero {
                    onBurst(Burst(paths: pending, firstSeen: first))
                    pending = []
                    firstSeen = nil
                    lastSeen = nil
                    continue
                } else {
                    timeout = Int32(max(1, wait.components.attoseconds / 1_000_000_000_000_000 + wait.components.seconds * 1000))
                }
            }
            var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0), pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 { break }
            guard fds[0].revents != 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= count {
                let (mask, watch, length, name) = buffer.withUnsafeBytes { raw -> (UInt32, Int32, Int, String) in
                    let event = raw.load(fromByteOffset: offset, as: inotify_event.self)
                    let nameStart = offset + MemoryLayout<inotify_event>.size
                    let nameBytes = raw[nameStart..<(nameStart + Int(event.len))].prefix { $0 != 0 }
                    return (event.mask, event.wd, Int(event.len), String(decoding: nameBytes, as: UTF8.self))
                }
                offset += MemoryLayout<inotify_event>.size + length
                guard let directory = watches[watch] else { continue }
                let path = name.isEmpty ? directory : directory + "/" + name
                if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                    addWatches(under: path)
                }
                if mask & UInt32(IN_IGNORED) != 0 { watches[watch] = nil }
                guard name.isEmpty || !CatalogLoader.isIgnorable(name) else { continue }
                // A created file is reported when it is closed after writing.
                if mask & UInt32(IN_CREATE) != 0, mask & UInt32(IN_ISDIR) == 0 { continue }
                pending.append(path)
                let now = clock.now
                if firstSeen == nil { firstSeen = now }
                lastSeen = now
            }
        }
        close(descriptor)
        close(stopPipe[0])
        close(stopPipe[1])
    }

    /// Whether inotify holds events not read yet.
    private func hasQueuedEvents() -> Bool {
        var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&watched, 1, 0) > 0 && watched.revents & Int16(POLLIN) != 0
    }
    #endif
}
