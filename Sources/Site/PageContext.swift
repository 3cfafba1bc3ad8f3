import Catalog
import Foundation

/// Where a link in a page came from: what the content says and the line that says it.
struct LinkOrigin: Sendable {
    let written: String
    let location: SourceLocation
}

/// Site-wide settings a build is given.
public struct SiteConfig: Sendable {
    /// Where the site is deployed, for canonical URLs: `https://combos.example/`.
    public var baseURL: String
    public var title: String

    public init(baseURL: String, title: String = "Local AI Hardware Combos") {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.title = title
    }

    public func absoluteURL(_ path: SitePath, fragment: String? = nil) -> String {
        baseURL + String(path.raw.dropFirst()) + (fragment.map { "#" + $0 } ?? "")
    }
}

/// What building one page needs: the catalog, where the page lives, and a ledger of where each
/// of its links came from, so a broken link is reported at the line that produced it.
struct PageContext {
    let catalog: Catalog
    let config: SiteConfig
    let path: SitePath
    /// The record file the page is made from.
    let source: String
    private(set) var origins: [String: LinkOrigin] = [:]
    /// For pieces of a page rendered on their own (a fit row), and kept between rebuilds.
    let templates: TemplateSet?
    let fragments: FragmentCache?
    /// Diagnostics from rendering such pieces.
    private(set) var fragmentErrors: [Diagnostic] = []
    /// Links as absolute URLs under the base URL instead of relative paths, for a page a host
    /// serves at any depth (`/404.html` answers `/no/such/page/`, where a relative link would
    /// resolve against the missing path). The link checker reads such links as internal.
    var absoluteLinks = false

    init(catalog: Catalog, config: SiteConfig, path: SitePath, source: String, templates: TemplateSet? = nil, fragments: FragmentCache? = nil) {
        self.catalog = catalog
        self.config = config
        self.path = path
        self.source = source
        self.templates = templates
        self.fragments = fragments
    }

    /// A piece rendered before for this page under `key` (which must name everything the piece
    /// depends on besides the page's path), when a cache is kept.
    func cachedFragment(_ template: String, key: String) -> HTML? {
        fragments?.get(linkBase + "\u{1F}" + template + "\u{1F}" + key)
    }

    /// A partial rendered on its own with `model`, and remembered under `key` for the `uses`
    /// pages that will ask for it (unknown: nil).
    mutating func renderFragment(_ template: String, key: String, model: Any, uses: Int? = nil) -> HTML {
        guard let templates else { return HTML(escaping: "") }
        do {
            let html = HTML(trusted: try templates.render(model, template: template))
            fragments?.set(linkBase + "\u{1F}" + template + "\u{1F}" + key, html, uses: uses)
            return html
        } catch {
            fragmentErrors += error.diagnostics
            return HTML(escaping: "")
        }
    }

    /// What this page's links start with: pages at the same depth write the same relative links,
    /// so a fragment rendered for one of them is reused by the others.
    private var linkBase: String {
        absoluteLinks ? config.baseURL : Route.home.href(from: path)
    }

    func href(_ target: SitePath, fragment: String? = nil) -> String {
        absoluteLinks ? config.absoluteURL(target, fragment: fragment) : target.href(from: path, fragment: fragment)
    }

    /// A link to another page, remembering the content line that asked for it.
    mutating func link(_ label: String, to target: SitePath, from origin: SourceLocation? = nil) -> LinkView {
        let href = href(target)
        if let origin, origins[href] == nil { origins[href] = LinkOrigin(written: target.raw, location: origin) }
        return LinkView(label: label, href: href)
    }

    /// Markdown from content, rendered for this page, its links recorded for the checker.
    mutating func markdown(_ text: MarkdownText, _ options: MarkdownRenderer.Options = .init()) -> HTML {
        renderMarkdown(text, options).html
    }

    /// The rendered Markdown with its headings, for pages that list them.
    mutating func renderMarkdown(_ text: MarkdownText, _ options: MarkdownRenderer.Options) -> MarkdownRenderer.Output {
        let output = MarkdownRenderer(page: path).render(text, options)
        for link in output.links where origins[link.href] == nil {
            origins[link.href] = LinkOrigin(written: link.destination, location: link.location)
        }
        return output
    }

    /// One line of Markdown, without a paragraph around it.
    mutating func inline(_ text: MarkdownText) -> HTML {
        markdown(text, .init(inline: true))
    }

    func meta(title: String, description: String, breadcrumbs: [(String, SitePath?)]) -> PageMeta {
        PageMeta(
            title: title,
            siteTitle: config.title,
            description: description,
            canonicalURL: config.absoluteURL(path),
            openGraphType: path == Route.home ? "website" : "article",
            stylesheet: href(Route.asset("site.css")),
            homeHref: href(Route.home),
            methodologyHref: href(Route.methodology),
            searchHref: href(Route.search),
            nav: PageMeta.sections.map { label, kind in
                NavItem(label: label, href: href(Route.index(of: kind)), isCurrent: path.raw.hasPrefix(Route.index(of: kind).raw))
            },
            // The home page needs no trail back to itself.
            breadcrumbs: breadcrumbs.isEmpty ? [] : ([("Home", Route.home)] + breadcrumbs).enumerated().map { index, crumb in
                let isLast = index == breadcrumbs.count
                return Crumb(label: crumb.0, href: isLast ? nil : crumb.1.map { href($0) })
            })
    }
}

/// The head, navigation and breadcrumbs every page shares.
struct PageMeta: Sendable {
    let title: String
    let siteTitle: String
    let description: String
    let canonicalURL: String
    /// `og:type`: "website" for the home page, "article" for the rest.
    let openGraphType: String
    let stylesheet: String
    let homeHref: String
    /// How the fit engine's estimates are made, linked from every page that shows one.
    let methodologyHref: String
    /// The search page, where the header's search form goes.
    let searchHref: String
    let nav: [NavItem]
    let breadcrumbs: [Crumb]

    /// The sections in the site's main navigation, in order.
    static let sections: [(String, RecordKind)] = [
        ("Combos", .combo), ("Hardware", .device), ("Machines", .machine), ("Tools", .runtime),
        ("Models", .model), ("Stacks", .stack), ("Guides", .guide),
    ]
}

struct NavItem: Sendable {
    let label: String
    let href: String
    let isCurrent: Bool
}

struct Crumb: Sendable {
    let label: String
    let href: String?
}

struct LinkView: Sendable {
    let label: String
    let href: String
}

/// A label and a value, for spec lists.
struct Fact: Sendable {
    let label: String
    let value: String
    /// When the value is a link.
    let href: String?
    /// When the value is a note in sentences (what a price includes), not a figure: shown across
    /// the whole row in plain weight, where a cell of bold prose made its row many lines tall.
    let note: Bool

    init(_ label: String, _ value: String, href: String? = nil, note: Bool = false) {
        self.label = label
        self.value = value
        self.href = href
        self.note = note
    }

    /// Notes longer than this, in characters, are shown as notes; a short one ("launch MSRP")
    /// stays a cell like a figure (a cell is about 25 bold characters wide, so four lines).
    static let noteLength = 80

    /// A fact whose value is an editor's note: a note when it is longer than `noteLength`.
    static func note(_ label: String, _ value: String) -> Fact {
        Fact(label, value, note: value.count > noteLength)
    }
}

struct SourceView: Sendable {
    let title: String
    let url: String
}

extension Array where Element == Citation {
    var views: [SourceView] { map { SourceView(title: $0.title, url: $0.url) } }
}

/// Rendered pieces of pages, kept by `LiveSite` between rebuilds: a page shown again after an
/// edit that did not touch its rows reuses them. Thread-safe; pages render in parallel.
///
/// A one-off build passes `evictingAfterUse`: a piece whose number of uses is known is dropped
/// once the last page that shows it asked for it (and is not kept at all for one use), so a
/// catalog of ten thousand configurations does not hold every fit row until the end.
final class FragmentCache: @unchecked Sendable {
    /// Keys hashed before the lock is taken: a card's key is all the text it shows, and
    /// hashing it while holding the lock kept the other cores waiting (list pages ask for a
    /// hundred cards each).
    private var entries: [PrehashedKey: (html: HTML, remaining: Int?)] = [:]
    private let lock = NSLock()
    private let evictingAfterUse: Bool

    init(evictingAfterUse: Bool = false) {
        self.evictingAfterUse = evictingAfterUse
    }

    func get(_ text: String) -> HTML? {
        let key = PrehashedKey(text)
        return lock.withLock {
            guard let entry = entries[key] else { return nil }
            if evictingAfterUse, let remaining = entry.remaining {
                entries[key] = remaining > 1 ? (entry.html, remaining - 1) : nil
            }
            return entry.html
        }
    }

    func set(_ text: String, _ html: HTML, uses: Int? = nil) {
        let key = PrehashedKey(text)
        lock.withLock {
            if evictingAfterUse, let uses, uses <= 1 { return }
            // Two pages that show the same piece can both miss it and render it at once (pages
            // of one configuration are rendered side by side): the second is one of its uses,
            // not a new start, or the piece would wait for a page that already came.
            if evictingAfterUse, let existing = entries[key], let remaining = existing.remaining {
                entries[key] = remaining > 1 ? (existing.html, remaining - 1) : nil
                return
            }
            entries[key] = (html, uses.map { $0 - 1 })
        }
    }

    func removeAll() { lock.withLock { entries = [:] } }

    /// How many pieces are held.
    var count: Int { lock.withLock { entries.count } }
}
