import Catalog

/// A path on the site, from its root: `/hardware-combos/quad-mac-mini-m4-pro-exo/` for a page,
/// `/assets/site.css` for a file. Pages are folders holding an `index.html`.
public struct SitePath: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let raw: String

    public init(_ raw: String) {
        precondition(raw.hasPrefix("/"), "site paths start at the root: \(raw)")
        self.raw = raw
    }

    public var description: String { raw }
    public static func < (a: SitePath, b: SitePath) -> Bool { a.raw < b.raw }

    /// Pages end in `/`; everything else is a file.
    public var isPage: Bool { raw.hasSuffix("/") }

    /// The file written for this path, relative to the output folder.
    public var outputFile: String {
        let trimmed = String(raw.dropFirst())
        return isPage ? trimmed + "index.html" : trimmed
    }

    /// The link from `page` to this path, relative so the site works from any folder, any
    /// host and straight from the file system (`file://`): `../../tools/exo/index.html`.
    public func href(from page: SitePath, fragment: String? = nil) -> String {
        // Every link on every page comes through here (a few million at 10,000 combos), so the
        // folders are counted on the bytes rather than by splitting the path into strings.
        let depth = page.folderDepth
        let target = raw.utf8.dropFirst()
        var href = ""
        href.reserveCapacity(3 * depth + target.count + (isPage ? 10 : 0) + (fragment.map { $0.utf8.count + 1 } ?? 0))
        for _ in 0..<depth { href += "../" }
        href += Substring(target)
        if isPage { href += "index.html" }
        if let fragment { href += "#" + fragment }
        return href
    }

    /// How many folders deep a page's file is: `/` 0, `/tools/exo/` 2, `/assets/site.css` 1
    /// (the path's non-empty segments, less the file name for a file).
    var folderDepth: Int {
        var segments = 0
        var previous = UInt8(ascii: "/")
        for byte in raw.utf8 {
            if byte != UInt8(ascii: "/"), previous == UInt8(ascii: "/") { segments += 1 }
            previous = byte
        }
        return isPage ? segments : max(segments - 1, 0)
    }
}

/// The URL map of the site (a contract: other parts, tests and the deployed site rely on it).
public enum Route {
    public static let home = SitePath("/")

    public static func index(of kind: RecordKind) -> SitePath { SitePath("/\(section(kind))/") }

    public static func page(_ kind: RecordKind, _ id: String) -> SitePath {
        SitePath("/\(section(kind))/\(id)/")
    }

    public static func device(_ id: RecordID<Device>) -> SitePath { page(.device, id.raw) }
    public static func machine(_ id: RecordID<Machine>) -> SitePath { page(.machine, id.raw) }
    public static func platform(_ id: RecordID<Platform>) -> SitePath { page(.platform, id.raw) }
    public static func runtime(_ id: RecordID<Runtime>) -> SitePath { page(.runtime, id.raw) }
    public static func model(_ id: RecordID<Model>) -> SitePath { page(.model, id.raw) }
    public static func combo(_ id: RecordID<Combo>) -> SitePath { page(.combo, id.raw) }
    public static func stack(_ id: RecordID<Stack>) -> SitePath { page(.stack, id.raw) }
    public static func guide(_ id: RecordID<Guide>) -> SitePath { page(.guide, id.raw) }

    public static func asset(_ name: String) -> SitePath { SitePath("/assets/\(name)") }

    /// Every catalog model and quant on a combo, in three tiers.
    public static func willItRun(_ id: RecordID<Combo>) -> SitePath { SitePath("/will-it-run/combo/\(id.raw)/") }

    /// The builder: any devices or machines, platform, runtime and context, answered in the browser.
    public static let builder = SitePath("/will-it-run/custom/")

    /// The engine's inputs and constants for the builder's script.
    public static let builderData = SitePath("/will-it-run/custom/fit-data.js")

    /// Search over every record, answered in the browser from `searchIndex`.
    public static let search = SitePath("/search/")

    /// Every record's title, summary, key figures and URL, as a script (works from `file://`).
    public static let searchIndex = SitePath("/search/search-index.js")

    /// How the fit engine's estimates are made, generated from its constants.
    public static let methodology = SitePath("/methodology/")

    /// Every runtime against OS, backend, split strategy, multi-host transport, format and vendor mix.
    public static let compatibility = SitePath("/compatibility/")

    /// What a host serves for a path that does not exist, at any depth.
    public static let notFound = SitePath("/404.html")
    public static let sitemap = SitePath("/sitemap.xml")
    public static let robots = SitePath("/robots.txt")
    /// Atom feed of reviewed combos, published guides and dated benchmarks.
    public static let feed = SitePath("/feed.xml")
    /// Every record as data (README, "JSON API").
    public static let catalogAPI = SitePath("/api/catalog.json")

    /// Where a record is shown: its page, or for a benchmark its row on the benchmarks page.
    public static func url(of kind: RecordKind, _ id: String) -> (path: SitePath, fragment: String?) {
        kind == .benchmark ? (index(of: .benchmark), benchmarkAnchor(id)) : (page(kind, id), nil)
    }

    /// The element id of a benchmark's row on the benchmarks page.
    public static func benchmarkAnchor(_ id: String) -> String { "benchmark-\(id)" }

    /// The first path segment for each kind. Devices are "hardware" and runtimes "tools", as
    /// readers of hardware catalogs know them.
    public static func section(_ kind: RecordKind) -> String {
        switch kind {
        case .device: "hardware"
        case .machine: "machines"
        case .platform: "platforms"
        case .runtime: "tools"
        case .model: "models"
        case .combo: "hardware-combos"
        case .stack: "stacks"
        case .guide: "guides"
        case .benchmark: "benchmarks"
        }
    }

    /// The kind whose pages live under a first path segment, for reading links back.
    public static func kind(forSection section: String) -> RecordKind? {
        RecordKind.allCases.first { Route.section($0) == section }
    }
}
