import Catalog
import Foundation
import Site

/// The rebuild loop of `combos serve`: the first build, then a rebuild after each burst of
/// saves, each swapped in whole before the open pages are told to reload. A broken edit keeps
/// the last good site and shows why; nothing in the content can stop the loop.
public final class PreviewSession: @unchecked Sendable {
    public let state = PreviewState()
    public let hub = ReloadHub()
    let site: LiveSite
    let verbose: Bool
    let log: @Sendable (String) -> Void
    private var watcher: FileWatcher?
    private let clock = ContinuousClock()

    public init(options: SiteBuilder.Options, verbose: Bool = false, log: @escaping @Sendable (String) -> Void = PreviewSession.say) {
        site = LiveSite(options)
        self.verbose = verbose
        self.log = log
    }

    /// A line on standard output, written at once (not held in a buffer when it is a file or pipe).
    public static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Builds the site once and starts watching `content/` and `templates/`.
    public func start() throws {
        rebuild(after: nil)
        let watcher = FileWatcher(roots: [site.options.content, site.options.templates]) { [weak self] burst in
            self?.rebuild(after: burst)
        }
        try watcher.start()
        self.watcher = watcher
    }

    public func stop() {
        watcher?.stop()
        watcher = nil
    }

    /// Runs on the watcher's thread (the first build on the caller's): one rebuild at a time,
    /// in order. The new site is in place before the open pages are told to reload, or, when a
    /// rebuild renders the pages open in a browser first, those pages are: the browser shows
    /// them while the rest renders, and a request for anything else waits for the rest
    /// (`PreviewState.settle`). After a failed rebuild the open pages come without the error
    /// overlay; should the rest of the rebuild fail, another reload brings its errors.
    func rebuild(after burst: FileWatcher.Burst?) {
        let started = clock.now
        let hub = self.hub
        let log = self.log
        let state = self.state
        let clock = self.clock
        // The early reload, when there was one: when it was sent, and to how many open pages.
        var earlyReload: Task<(at: ContinuousClock.Instant, pages: Int), Never>?
        var early: ((LiveSite.Early) -> Void)?
        if burst != nil {
            early = { pages in
                state.showEarly(pages)
                earlyReload = Task {
                    await hub.broadcast()
                    return (clock.now, pages.files.keys.filter { $0.hasSuffix(".html") }.count)
                }
            }
        }
        let outcome = site.rebuild(opening: hub.openPages, early: early)
        let finished = clock.now
        switch outcome {
        case .success(let report):
            state.succeeded(with: site.files)
            let edited = burst.map { Set($0.paths.compactMap(Self.describe)).sorted().joined(separator: ", ") } ?? ""
            let phases = report.phases.map { "\($0.name) \(Self.milliseconds($0.duration))" }.joined(separator: ", ")
            let verbose = self.verbose
            let earlyReload = earlyReload
            Task {
                // The open pages already reloaded when they were shown early.
                let sent = await earlyReload?.value
                if sent == nil { await hub.broadcast() }
                guard let burst else {
                    log("built \(report.total) pages in \(Self.milliseconds(finished - started))")
                    return
                }
                var line = "rebuilt \(report.rendered) of \(report.total) pages after \(edited) in \(Self.milliseconds(finished - started))"
                if verbose {
                    if let early = sent {
                        line += "; reload sent \(Self.milliseconds(early.at - burst.firstSeen)) after the save, "
                            + "with the \(early.pages == 1 ? "open page" : "\(early.pages) open pages") rendered first (\(phases))"
                    } else {
                        line += "; reload sent \(Self.milliseconds(clock.now - burst.firstSeen)) after the save (\(phases))"
                    }
                }
                log(line)
            }
        case .failure(let error):
            state.failed(with: error.diagnostics)
            Task { await hub.broadcast() }
            log(error.diagnostics.map(\.description).joined(separator: "\n"))
            log("the site shows these errors over the last good build until they are fixed")
        }
    }

    /// A changed file as the log names it; nil for the temporary files editors save through.
    static func describe(_ path: String) -> String? {
        let name = (path as NSString).lastPathComponent
        let known = [".md", ".yaml", ".mustache", ".css", ".js", ".svg", ".png"]
        guard FileManager.default.fileExists(atPath: path) || known.contains(where: name.hasSuffix) else { return nil }
        return displayPath(path)
    }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return value < 10 ? String(format: "%.1f ms", value) : String(format: "%.0f ms", value)
    }
}

