import CCmarkGFM
import Foundation
import Catalog

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Markdown from content, rendered with cmark-gfm (tables, strikethrough, autolinks, task lists)
/// and made safe: raw HTML is dropped, links with unsafe schemes lose their link, headings get
/// stable ids, and links to site paths become relative to the page that shows them.
public struct MarkdownRenderer: Sendable {
    /// A link written in Markdown, with where it was written, for the link checker.
    public struct Link: Sendable, Hashable {
        /// As written in the content.
        public var destination: String
        /// As it appears in the page (site paths made relative).
        public var href: String
        public var location: SourceLocation
    }

    public struct Heading: Sendable, Hashable {
        public var level: Int
        public var text: String
        public var id: String
    }

    public struct Output: Sendable {
        public var html: HTML
        public var links: [Link]
        public var headings: [Heading]
    }

    public struct Options: Sendable {
        /// Added to every heading level, so `#` in a body shown under an `<h2>` becomes `<h3>`.
        public var headingOffset: Int = 0
        /// Heading ids the page already uses; body headings never take them.
        public var reservedIDs: Set<String> = []
        /// Render one paragraph without its `<p>` wrapper, for text inside list items and cells.
        public var inline: Bool = false

        public init(headingOffset: Int = 0, reservedIDs: Set<String> = [], inline: Bool = false) {
            self.headingOffset = headingOffset
            self.reservedIDs = reservedIDs
            self.inline = inline
        }
    }

    /// The page the Markdown appears on: links to site paths are made relative to it.
    public let page: SitePath

    public init(page: SitePath) {
        _ = MarkdownRenderer.extensionsRegistered
        self.page = page
    }

    /// The GFM extensions every document is parsed with.
    private static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

    /// cmark-gfm's extension registry is global and not guarded by a lock in Debian's build:
    /// register once, before any concurrent use (a Swift global initializer runs exactly once).
    private static let extensionsRegistered: Void = { cmark_gfm_core_extensions_ensure_registered() }()

    /// Held while cmark-gfm parses a document's inlines. `cmark_parser_finish` marks the
    /// extensions' trigger characters (`~` for strikethrough, `:` and `w` for autolinks) in a
    /// process-wide table before it parses inlines and unmarks them after, so a document
    /// finishing on one core turned strikethrough and autolinks off in a document mid-parse on
    /// another (7% of documents differed when every core rendered Markdown). Block parsing,
    /// the walk and HTML rendering stay parallel.
    private static let inlineParsing = NSLock()

    public func render(_ source: MarkdownText, _ options: Options = Options()) -> Output {
        // One parser per call: parsers are not shareable between threads.
        let cmarkOptions = CMARK_OPT_DEFAULT | CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES | CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
            | CMARK_OPT_VALIDATE_UTF8
        guard let parser = cmark_parser_new(cmarkOptions) else {
            return Output(html: HTML(escaping: source.text), links: [], headings: [])
        }
        defer { cmark_parser_free(parser) }
        for name in Self.extensionNames {
            if let syntaxExtension = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, syntaxExtension)
            }
        }
        source.text.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        guard let document = Self.inlineParsing.withLock({ cmark_parser_finish(parser) }) else {
            return Output(html: HTML(escaping: source.text), links: [], headings: [])
        }
        defer { cmark_node_free(document) }

        var walk = Walk(renderer: self, source: source, options: options)
        walk.visit(document)
        walk.applyEdits()

        guard let rendered = cmark_render_html(document, cmarkOptions, cmark_parser_get_syntax_extensions(parser)) else {
            return Output(html: HTML(escaping: source.text), links: walk.links, headings: walk.headings)
        }
        defer { free(rendered) }
        var html = String(cString: rendered)
        html = Self.addHeadingIDs(to: html, walk.headings)
        if options.inline { html = Self.unwrapSingleParagraph(html) }
        return Output(html: HTML(trusted: html), links: walk.links, headings: walk.headings)
    }

    /// Walks the document once, collecting the edits to make after the walk (cmark iterators
    /// must not see nodes removed under them).
    private struct Walk {
        let renderer: MarkdownRenderer
        let source: MarkdownText
        let options: Options
        var links: [Link] = []
        var headings: [Heading] = []
        var usedIDs: Set<String>
        var toRemove: [OpaquePointer] = []
        var toUnwrap: [OpaquePointer] = []

        init(renderer: MarkdownRenderer, source: MarkdownText, options: Options) {
            self.renderer = renderer
            self.source = source
            self.options = options
            self.usedIDs = options.reservedIDs
        }

        mutating func visit(_ document: OpaquePointer) {
            guard let iterator = cmark_iter_new(document) else { return }
            defer { cmark_iter_free(iterator) }
            while true {
                let event = cmark_iter_next(iterator)
                if event == CMARK_EVENT_DONE { break }
                guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
                switch cmark_node_get_type(node) {
                case CMARK_NODE_HTML_BLOCK, CMARK_NODE_HTML_INLINE:
                    // Content is untrusted: raw HTML never reaches a page, not even as a comment.
                    toRemove.append(node)
                case CMARK_NODE_LINK:
                    handleLink(node, isImage: false)
                case CMARK_NODE_IMAGE:
                    handleLink(node, isImage: true)
                case CMARK_NODE_HEADING:
                    let level = Int(cmark_node_get_heading_level(node))
                    let newLevel = min(6, max(1, level + options.headingOffset))
                    cmark_node_set_heading_level(node, Int32(newLevel))
                    let text = plainText(of: node)
                    headings.append(Heading(level: newLevel, text: text, id: uniqueID(for: text)))
                default:
                    break
                }
            }
        }

        private mutating func handleLink(_ node: OpaquePointer, isImage: Bool) {
            let destination = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            switch LinkTarget(destination) {
            case .unsafe:
                // Keep the words, drop the link (or the image, keeping its alt text).
                toUnwrap.append(node)
            case .external:
                break
            case .sitePath(let path, let fragment):
                let href = path.href(from: renderer.page, fragment: fragment)
                links.append(Link(destination: destination, href: href, location: location(of: node)))
                cmark_node_set_url(node, href)
            case .fragment, .relative:
                links.append(Link(destination: destination, href: destination, location: location(of: node)))
            }
        }

        /// The node's place in the file: Markdown lines count from where the text starts.
        private func location(of node: OpaquePointer) -> SourceLocation {
            let line = Int(cmark_node_get_start_line(node))
            let column = Int(cmark_node_get_start_column(node))
            guard line > 0 else { return source.location }
            return SourceLocation(
                path: source.location.path,
                line: source.location.line + line - 1,
                column: line == 1 ? source.location.column + column - 1 : column)
        }

        private mutating func uniqueID(for text: String) -> String {
            let base = slug(text)
            var candidate = base
            var suffix = 2
            while usedIDs.contains(candidate) {
                candidate = "\(base)-\(suffix)"
                suffix += 1
            }
            usedIDs.insert(candidate)
            return candidate
        }

        /// Removes raw HTML and unwraps unsafe links once the walk is over.
        func applyEdits() {
            for node in toUnwrap {
                while let child = cmark_node_first_child(node) {
                    cmark_node_insert_before(node, child)
                }
                cmark_node_unlink(node)
                cmark_node_free(node)
            }
            for node in toRemove {
                cmark_node_unlink(node)
                cmark_node_free(node)
            }
        }
    }

    /// Adds `id="..."` to each heading tag, in document order (raw HTML is gone and code is
    /// escaped, so every `<hN>` in cmark's output is a heading).
    static func addHeadingIDs(to html: String, _ headings: [Heading]) -> String {
        guard !headings.isEmpty else { return html }
        var result = ""
        result.reserveCapacity(html.utf8.count + headings.count * 24)
        var rest = Substring(html)
        for heading in headings {
            let tag = "<h\(heading.level)>"
            guard let range = firstUTF8Range(of: tag, in: rest) else { break }
            result += rest[..<range.lowerBound]
            result += "<h\(heading.level) id=\"\(escapeHTML(heading.id))\">"
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }

    static func unwrapSingleParagraph(_ html: String) -> String {
        // Trimmed and searched by scalars and bytes: Foundation's `trimmingCharacters` and
        // `contains` bridge the whole text to NSString, for every line of Markdown a page has.
        let scalars = html.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, CharacterSet.whitespacesAndNewlines.contains(scalars[start]) { start = scalars.index(after: start) }
        while end > start, CharacterSet.whitespacesAndNewlines.contains(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        let trimmed = html[start..<end]
        guard trimmed.hasPrefix("<p>"), trimmed.hasSuffix("</p>") else { return html }
        let inner = trimmed.dropFirst(3).dropLast(4)
        return firstUTF8Range(of: "<p>", in: inner) != nil ? html : String(inner)
    }

    /// Where `needle` first occurs in `text`, found with `memchr` and `memcmp` over the UTF-8 bytes. The
    /// standard library's `utf8.firstRange(of:)` is generic: it instantiated type metadata and
    /// compared element by element on every call, a seventh of a preview rebuild's CPU.
    static func firstUTF8Range(of needle: String, in text: Substring) -> Range<String.Index>? {
        var needle = needle
        let offset: Int? = needle.withUTF8 { pattern in
            func search(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
                guard let base = bytes.baseAddress, let patternBase = pattern.baseAddress, let first = pattern.first else { return nil }
                var offset = 0
                while bytes.count - offset >= pattern.count,
                      let found = memchr(base + offset, Int32(first), bytes.count - offset - pattern.count + 1) {
                    let at = UnsafeRawPointer(found) - UnsafeRawPointer(base)
                    if memcmp(base + at, patternBase, pattern.count) == 0 { return at }
                    offset = at + 1
                }
                return nil
            }
            // Bridged text has no contiguous UTF-8; Markdown output never is, but stay correct.
            return text.utf8.withContiguousStorageIfAvailable(search) ?? Array(text.utf8).withUnsafeBufferPointer(search)
        }
        guard let offset else { return nil }
        let lower = text.utf8.index(text.utf8.startIndex, offsetBy: offset)
        return lower..<text.utf8.index(lower, offsetBy: needle.utf8.count)
    }
}

/// What a link in content points at.
enum LinkTarget: Equatable {
    case external
    case sitePath(SitePath, fragment: String?)
    case fragment(String)
    case relative
    case unsafe

    /// Schemes a link in content may use; anything else (javascript:, data:, vbscript:, file:)
    /// is removed.
    static let safeSchemes: Set<String> = ["http", "https", "mailto"]

    init(_ destination: String) {
        // Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
        let squeezed = String(destination.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F })
        if let colon = squeezed.firstIndex(of: ":"),
           !squeezed[..<colon].contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            let scheme = squeezed[..<colon].lowercased()
            self = LinkTarget.safeSchemes.contains(scheme) ? .external : .unsafe
            return
        }
        if destination.hasPrefix("//") {
            self = .external
        } else if destination.hasPrefix("/") {
            var path = destination
            var fragment: String?
            if let hash = path.firstIndex(of: "#") {
                fragment = String(path[path.index(after: hash)...])
                path = String(path[..<hash])
            }
            // `/tools/exo` means the page `/tools/exo/`; `/assets/x.css` is a file.
            let last = path.split(separator: "/").last ?? ""
            if !path.hasSuffix("/"), !last.contains(".") { path += "/" }
            self = .sitePath(SitePath(path), fragment: fragment)
        } else if destination.hasPrefix("#") {
            self = .fragment(String(destination.dropFirst()))
        } else {
            self = .relative
        }
    }
}

/// The text of a node and its descendants, for heading ids.
private func plainText(of node: OpaquePointer) -> String {
    var text = ""
    guard let iterator = cmark_iter_new(node) else { return text }
    defer { cmark_iter_free(iterator) }
    while true {
        let event = cmark_iter_next(iterator)
        if event == CMARK_EVENT_DONE { break }
        guard event == CMARK_EVENT_ENTER, let child = cmark_iter_get_node(iterator) else { continue }
        let type = cmark_node_get_type(child)
        if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(child) {
            text += String(cString: literal)
        }
    }
    return text
}

/// A stable id for a heading: lowercase ASCII letters and digits joined by hyphens, so that
/// "Noise & thermals" becomes `noise-thermals` and links to it survive edits elsewhere.
public func slug(_ text: String) -> String {
    var result = ""
    var pendingHyphen = false
    for scalar in text.lowercased().unicodeScalars {
        if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
            if pendingHyphen, !result.isEmpty { result += "-" }
            pendingHyphen = false
            result.unicodeScalars.append(scalar)
        } else {
            pendingHyphen = true
        }
    }
    return result.isEmpty ? "section" : result
}
