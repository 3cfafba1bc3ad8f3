import Catalog
import Foundation

/// Checks every internal link and anchor in the rendered site. A link to a page or element
/// that does not exist is an error at the content line that produced it (or at the page's
/// source file, for links a template made).
enum LinkChecker {
    /// `files` are the content sources, to quote the line of a broken link. Absolute links
    /// under `siteURL` (the base URL) are the site's own and are checked like relative ones.
    static func check(
        _ pages: [RenderedPage], assets: Set<String>, files: [String: SourceFile] = [:], siteURL: String? = nil
    ) -> [Diagnostic] {
        var idsByFile: [String: Set<String>] = [:]
        for page in pages { idsByFile[page.path.outputFile] = attributeValues(["id"], in: page.bytes)[0] }
        return check(pages, idsByFile: idsByFile, assets: assets, files: files, siteURL: siteURL)
    }

    /// Checks the links of `pages` against every page's element ids (`idsByFile`, which may hold
    /// pages not being checked: `combos serve` checks only what a rebuild touched).
    static func check(
        _ pages: [RenderedPage], idsByFile: [String: Set<String>], assets: Set<String>, files: [String: SourceFile],
        siteURL: String? = nil
    ) -> [Diagnostic] {
        pages.flatMap { page in
            check(page, attributes: PageAttributes(of: page), idsByFile: idsByFile, assets: assets, files: files, siteURL: siteURL)
        }
    }

    /// The ids, hrefs and srcs of a page, read in one pass over its HTML: what the checks and
    /// `targets` read, kept by `combos serve` so a rebuild reads each page's HTML once.
    struct PageAttributes: Sendable {
        let ids: Set<String>
        let hrefs: Set<String>
        let sources: Set<String>

        init(of page: RenderedPage) {
            let found = LinkChecker.attributeValues(["id", "href", "src"], in: page.bytes)
            ids = found[0]
            hrefs = found[1]
            sources = found[2]
        }
    }

    /// Checks one page's links, from attributes already read.
    static func check(
        _ page: RenderedPage, attributes: PageAttributes, idsByFile: [String: Set<String>], assets: Set<String>,
        files: [String: SourceFile], siteURL: String? = nil
    ) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let pageFile = page.path.outputFile
        // Unsorted, and a value written as both an href and a src read once, as in `links`: the
        // `DiagnosticsError` these make sorts them.
        for (attribute, values) in [attributes.hrefs, attributes.sources].enumerated() {
            for raw in values where attribute == 0 || !attributes.hrefs.contains(raw) {
                let href = decodeEntities(raw)
                // A link to the site's own URL resolves from the root folder.
                let ownPath = siteURL.flatMap { href.hasPrefix($0) ? String(href.dropFirst($0.count)) : nil }.map { $0.isEmpty ? "index.html" : $0 }
                guard let problem = problem(
                    with: ownPath ?? href, on: ownPath == nil ? pageFile : "index.html", idsByFile: idsByFile, assets: assets)
                else { continue }
                if let origin = page.origins[href] {
                    let lineText = files[origin.location.path]?.line(origin.location.line)
                    diagnostics.append(Diagnostic(
                        at: origin.location, "broken link \"\(origin.written)\": \(problem)",
                        lineText: lineText, span: origin.written.count + 2))
                } else {
                    diagnostics.append(Diagnostic(
                        at: SourceLocation(path: page.source, line: 0, column: 0),
                        "broken link \"\(href)\" on \(page.path) (made by \(page.templatePath)): \(problem)"))
                }
            }
        }
        return diagnostics
    }

    /// Why a link does not resolve, or nil when it does (or leaves the site).
    static func problem(with href: String, on pageFile: String, idsByFile: [String: Set<String>], assets: Set<String>) -> String? {
        switch destination(of: href, on: pageFile) {
        case .outside: return nil
        case .invalid(let problem): return problem
        case .file(let target, let fragment):
            if let ids = idsByFile[target] {
                if let fragment, !fragment.isEmpty, !ids.contains(fragment) {
                    return missingAnchor(target, fragment)
                }
                return nil
            }
            if assets.contains(target) { return nil }
            return "there is no \(describe(target))"
        }
    }

    /// Where a link points.
    enum Destination: Equatable {
        /// Off the site (another host, mailto:, a protocol-relative address).
        case outside
        /// Not a link we accept, and why.
        case invalid(String)
        /// A file of the output (pages as their index.html), and the anchor, if any.
        case file(String, fragment: String?)
    }

    static func destination(of href: String, on pageFile: String) -> Destination {
        if href.isEmpty { return .invalid("the link is empty") }
        if href.hasPrefix("//") || hasScheme(href) { return .outside }
        if href.hasPrefix("/") {
            return .invalid("links must be relative so the site works from any folder and from disk; this one starts at the root")
        }
        var path = href
        var fragment: String?
        if let hash = path.utf8.firstIndex(of: UInt8(ascii: "#")) {
            fragment = String(path[path.utf8.index(after: hash)...])
            path = String(path[..<hash])
        }
        if let query = path.utf8.firstIndex(of: UInt8(ascii: "?")) { path = String(path[..<query]) }
        if path.isEmpty { return .file(pageFile, fragment: fragment) }
        guard let resolved = resolve(path, from: pageFile) else { return .invalid("it points above the site's root folder") }
        return .file(resolved.hasSuffix("/") || resolved.isEmpty ? resolved + "index.html" : resolved, fragment: fragment)
    }

    static func missingAnchor(_ target: String, _ fragment: String) -> String {
        "\(describe(target)) has no element with id \"\(fragment)\""
    }

    // MARK: Checking pages whose HTML is gone

    /// What link checking keeps of a page once its HTML is written and dropped: its element ids,
    /// what it links to, the problems it has on its own, and the links to an anchor on another
    /// page, which wait until every page's ids are known.
    struct PageLinks: Sendable {
        let file: String
        let ids: PageIDs
        /// The other pages it links to.
        let targets: Set<String>
        fileprivate let problems: [Diagnostic]
        fileprivate let anchors: [Anchor]
    }

    fileprivate struct Anchor: Sendable {
        let target: String
        let fragment: String
        let make: Maker
    }

    /// How to report a broken link: at the content line that wrote it, or on the page.
    fileprivate struct Maker: Sendable {
        let href: String
        let origin: LinkOrigin?
        let source: String
        let page: String
        let templatePath: String

        func diagnostic(_ problem: String) -> Diagnostic {
            if let origin {
                return Diagnostic(
                    at: origin.location, "broken link \"\(origin.written)\": \(problem)",
                    lineText: SourceLines.line(origin.location.path, origin.location.line), span: origin.written.count + 2)
            }
            return Diagnostic(
                at: SourceLocation(path: source, line: 0, column: 0),
                "broken link \"\(href)\" on \(page) (made by \(templatePath)): \(problem)")
        }
    }

    /// Reads a page's links and checks all but the anchors on other pages. `pageFiles` are every
    /// page of the site; `assets` every other file. A page's ids are kept from `pool` when
    /// another page has the same.
    static func links(
        of page: RenderedPage, pageFiles: Set<String>, assets: Set<String>, siteURL: String?, pool: PageIDs.Pool? = nil
    ) -> PageLinks {
        let pageFile = page.path.outputFile
        let found = attributeValues(["id", "href", "src"], in: page.bytes)
        let ids = found[0]
        var targets: Set<String> = []
        var problems: [Diagnostic] = []
        var anchors: [Anchor] = []
        // In whatever order the sets keep: the diagnostics are sorted once, by where they point
        // (`DiagnosticsError`); sorting every page's links was a seventh of reading them.
        let (hrefs, srcs) = (found[1], found[2])
        for (attribute, values) in [hrefs, srcs].enumerated() {
            // A value written both as an href and as a src is read once, as an href.
            for raw in values where attribute == 0 || !hrefs.contains(raw) {
                let href = decodeEntities(raw)
                let ownPath = siteURL.flatMap { href.hasPrefix($0) ? String(href.dropFirst($0.count)) : nil }.map { $0.isEmpty ? "index.html" : $0 }
                let maker = Maker(
                    href: href, origin: page.origins[href], source: page.source, page: "\(page.path)", templatePath: page.templatePath)
                switch destination(of: ownPath ?? href, on: ownPath == nil ? pageFile : "index.html") {
                case .outside: continue
                case .invalid(let problem): problems.append(maker.diagnostic(problem))
                case .file(let target, let fragment):
                    if let known = pageFiles.firstIndex(of: target) {
                        // The set's own string: ten thousand pages' targets share their storage.
                        if target != pageFile { targets.insert(pageFiles[known]) }
                        guard let fragment, !fragment.isEmpty else { continue }
                        if target != pageFile {
                            anchors.append(Anchor(target: target, fragment: fragment, make: maker))
                        } else if !ids.contains(fragment) {
                            problems.append(maker.diagnostic(missingAnchor(target, fragment)))
                        }
                    } else if !assets.contains(target) {
                        problems.append(maker.diagnostic("there is no \(describe(target))"))
                    }
                }
            }
        }
        let pageIDs = PageIDs(ids)
        return PageLinks(file: pageFile, ids: pool?.shared(pageIDs) ?? pageIDs, targets: targets, problems: problems, anchors: anchors)
    }

    /// Every problem of `pages`, once `ids` knows every page's element ids (unsorted: the
    /// `DiagnosticsError` they make sorts them).
    static func problems(_ pages: [PageLinks], ids: (String) -> PageIDs?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        // Each linked page's ids as a set, made when first asked for, and shared by pages with
        // the same ids (ten thousand will-it-run pages have a few dozen sets between them).
        var sets: [String: Set<Substring>] = [:]
        var setsByText: [String: Set<Substring>] = [:]
        func has(_ target: String, _ fragment: String) -> Bool {
            if let set = sets[target] { return set.contains(fragment[...]) }
            guard let ids = ids(target) else { return false }
            let set = setsByText[ids.text] ?? ids.set
            setsByText[ids.text] = set
            sets[target] = set
            return set.contains(fragment[...])
        }
        for page in pages {
            diagnostics += page.problems
            for anchor in page.anchors where !has(anchor.target, anchor.fragment) {
                diagnostics.append(anchor.make.diagnostic(missingAnchor(anchor.target, anchor.fragment)))
            }
        }
        return diagnostics
    }

    /// The files a page links to (pages as their index.html), for re-checking it when one of
    /// them changes.
    static func targets(of page: RenderedPage, attributes: PageAttributes) -> Set<String> {
        let pageFile = page.path.outputFile
        var targets: Set<String> = []
        for values in [attributes.hrefs, attributes.sources] {
            for raw in values {
                var path = decodeEntities(raw)
                // By bytes: "/", "#" and "?" are ASCII, and stepping by Characters was a third of
                // this in a preview rebuild.
                if path.utf8.first == UInt8(ascii: "/") || hasScheme(path) { continue }
                if let cut = path.utf8.firstIndex(where: { $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "?") }) {
                    path = String(path[..<cut])
                }
                if path.isEmpty { continue }
                guard let resolved = resolve(path, from: pageFile) else { continue }
                targets.insert(resolved.hasSuffix("/") || resolved.isEmpty ? resolved + "index.html" : resolved)
            }
        }
        return targets
    }

    /// Resolves a relative path against the folder of the page file; nil if it climbs out.
    static func resolve(_ path: String, from pageFile: String) -> String? {
        resolveClimbing(path, from: pageFile) ?? resolveFully(path, from: pageFile)
    }

    /// Every "." and ".." segment and empty segment worked out against the page's folders.
    static func resolveFully(_ path: String, from pageFile: String) -> String? {
        var parts = pageFile.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        parts.removeLast()
        for part in path.split(separator: "/", omittingEmptySubsequences: false).map(String.init) {
            switch part {
            case "", ".": continue
            case "..":
                if parts.isEmpty { return nil }
                parts.removeLast()
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/") + (path.hasSuffix("/") ? "/" : "")
    }

    /// The links templates write, "../../models/x/index.html": some "../" then a plain path.
    /// Resolved by counting folders instead of splitting both paths (a site of ten thousand
    /// combos has millions of links); nil for anything else, which `resolve` works out in full.
    static func resolveClimbing(_ path: String, from pageFile: String) -> String? {
        // Bytes in place, not Characters: Foundation's `contains` on a substring went through
        // CFString, and copying each link to an array was most of what was left.
        let dot = UInt8(ascii: "."), slash = UInt8(ascii: "/")
        var path = path
        var pageFile = pageFile
        return path.withUTF8 { link -> String? in
            var start = 0
            var ups = 0
            while start + 3 <= link.count, link[start] == dot, link[start + 1] == dot, link[start + 2] == slash {
                ups += 1
                start += 3
            }
            guard start < link.count, link[start] != dot else { return nil }
            for index in start..<(link.count - 1) where link[index] == slash && (link[index + 1] == slash || link[index + 1] == dot) {
                return nil
            }
            return pageFile.withUTF8 { page -> String? in
                // The page's folders: every "/" in its file path ends one. The link keeps the
                // first `kept` of them.
                var folders = 0
                for index in page.indices where page[index] == slash {
                    if index == 0 || page[index - 1] == slash { return nil }
                    folders += 1
                }
                guard ups <= folders else { return nil }
                let kept = folders - ups
                var end = 0
                var seen = 0
                while seen < kept {
                    if page[end] == slash { seen += 1 }
                    end += 1
                }
                var resolved: [UInt8] = []
                resolved.reserveCapacity(end + link.count - start)
                resolved.append(contentsOf: UnsafeBufferPointer(rebasing: page[0..<end]))
                resolved.append(contentsOf: UnsafeBufferPointer(rebasing: link[start...]))
                return String(decoding: resolved, as: UTF8.self)
            }
        }
    }

    private static func describe(_ file: String) -> String {
        file.hasSuffix("index.html") ? "page /\(file.dropLast("index.html".count))" : "file /\(file)"
    }

    private static func hasScheme(_ href: String) -> Bool {
        for byte in href.utf8 {
            switch byte {
            case UInt8(ascii: ":"): return true
            case UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"): return false
            default: continue
            }
        }
        return false
    }

    /// Every value of `name="..."` in the markup. Our templates and cmark always quote with
    /// double quotes, and escape quotes inside values.
    static func attributeValues(_ name: String, in html: String) -> Set<String> {
        attributeValues([name], in: html)[0]
    }

    /// The values of several attributes in one pass over the markup (a build reads every page's
    /// ids, hrefs and srcs): for each name, its set of values.
    static func attributeValues(_ names: [String], in html: String) -> [Set<String>] {
        var html = html
        return html.withUTF8 { attributeValues(names, in: $0) }
    }

    static func attributeValues(_ names: [String], in html: [UInt8]) -> [Set<String>] {
        html.withUnsafeBufferPointer { attributeValues(names, in: $0) }
    }

    private static func attributeValues(_ names: [String], in bytes: UnsafeBufferPointer<UInt8>) -> [Set<String>] {
        var values = [Set<String>](repeating: [], count: names.count)
        // Each name with the space before it: ` id`, ` href`, ` src`. A match is one of these
        // right before an `=` that is followed by `"`.
        let names = names.map { name in
            precondition(!name.utf8.contains { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "\"") },
                         "an attribute name has no space, = or quote")
            return Array(" \(name)".utf8)
        }
        // The byte right before the `=` ends one of the names, or no name matches there: most
        // `="` in a page are other attributes (class, style, aria-*), rejected without a memcmp.
        var lastBytes = [Bool](repeating: false, count: 256)
        for name in names { lastBytes[Int(name[name.count - 1])] = true }
        guard let base = bytes.baseAddress else { return values }
        let count = bytes.count
        // From one `=` to the next with memchr (a build reads some 1.7 GB of pages at 10,000
        // combos; a byte loop stopping at every space was a fifteenth of the build). Names
        // hold no space, `=` or quote, so no two matches overlap and the `=`s find the same
        // matches, in the same order, as reading every position would.
        var index = 0
        while index < count, let found = memchr(base + index, Int32(UInt8(ascii: "=")), count - index) {
            let equals = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            index = equals + 1
            guard index < count, bytes[index] == UInt8(ascii: "\""), equals > 0, lastBytes[Int(bytes[equals - 1])] else { continue }
            for (which, name) in names.enumerated() where equals >= name.count {
                guard memcmp(base + equals - name.count, name, name.count) == 0 else { continue }
                let start = index + 1
                guard let close = memchr(base + start, Int32(UInt8(ascii: "\"")), count - start) else { return values }
                let end = UnsafePointer<UInt8>(close.assumingMemoryBound(to: UInt8.self)) - base
                values[which].insert(String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self))
                index = end + 1
                break
            }
        }
        return values
    }

    /// The entities `escapeHTML` writes, and the byte each stands for.
    private static let entities: [(name: [UInt8], byte: UInt8)] = [
        (Array("&quot;".utf8), UInt8(ascii: "\"")), (Array("&#39;".utf8), UInt8(ascii: "'")),
        (Array("&lt;".utf8), UInt8(ascii: "<")), (Array("&gt;".utf8), UInt8(ascii: ">")),
        (Array("&amp;".utf8), UInt8(ascii: "&")),
    ]

    /// The five entities `escapeHTML` writes, decoded in one pass over the bytes (every builder
    /// link has `&amp;`; Foundation's `replacingOccurrences` bridged each to NSString five times).
    static func decodeEntities(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        next: while index < bytes.count {
            if bytes[index] == UInt8(ascii: "&") {
                for entity in Self.entities where bytes[index...].starts(with: entity.name) {
                    decoded.append(entity.byte)
                    index += entity.name.count
                    continue next
                }
            }
            decoded.append(bytes[index])
            index += 1
        }
        return String(decoding: decoded, as: UTF8.self)
    }
}
