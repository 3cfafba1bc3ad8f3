import Catalog
import Foundation

/// The site kept in memory for `combos serve`, rebuilt after each edit with only the work the
/// edit makes necessary: files whose text did not change are not parsed again, fit answers
/// whose inputs did not change are reused, and only pages that show something that changed
/// are rendered and link-checked again (`SitePages` says what each page shows).
///
/// A rebuild that fails (a content error, a template error, a broken link) changes nothing:
/// `files` stays the last good site, and the next rebuild is measured against it.
public final class LiveSite: @unchecked Sendable {
    public let options: SiteBuilder.Options
    /// The last good site: output path (`hardware-combos/x/index.html`) to contents.
    public private(set) var files: [String: Data] = [:]

    private let cache = CatalogLoader.Cache()
    private let fragments = FragmentCache()
    private var state: State?

    /// What the last good build was made of.
    private struct State {
        var facets: [String: Facets]
        var templateTexts: [String: String]
        var templates: TemplateSet
        var assets: [String: Data]
        var fits: SiteFits
        var pages: [String: PageRecord]
        /// Every record's references, one line each: the "See also" blocks change only with it.
        var references: String
        /// The "See also" ranking those references give (at ten thousand combos, a second of
        /// every rebuild).
        var related: RelatedRecords
        /// The JSON API as last made, to copy unchanged records from.
        var export: CatalogAPI.Export?
        /// The filter values (`ComboFacets`), kept while only records' text changes.
        var comboFacets: ComboFacets
    }

    private struct Facets: Equatable {
        var full: String
        var listing: String
        /// The records it names, as one line of the reference graph.
        var references: String
    }

    private struct PageRecord: Sendable {
        /// The page without its HTML (served from `files`; its ids and links are in `attributes`):
        /// a second copy of every page was 1.8 GB at ten thousand combos.
        var page: RenderedPage
        /// `PageSpec.dependencyDigest` when it was rendered (the sets themselves, twenty
        /// thousand of them at ten thousand combos, are not kept).
        var dependencyDigest: UInt64
        /// `PageSpec.textKeys` when it was planned: after an edit to records' text alone, the
        /// plan is made without dependencies, and these say which pages show what changed.
        var textKeys: [String]
        var attributes: LinkChecker.PageAttributes
        var targets: Set<String>
        var ids: Set<String> { attributes.ids }
    }

    /// What a rebuild did.
    public struct Report: Sendable {
        public var changed: Int
        /// The pages rendered again, by output path.
        public var renderedPaths: [String]
        public var rendered: Int { renderedPaths.count }
        public var checked: Int
        public var total: Int
        public var phases: [(name: String, duration: Duration)]
        public var duration: Duration { phases.reduce(.zero) { $0 + $1.duration } }
        /// Record files read back from the record cache a build left beside the output (the
        /// first rebuild only).
        public var recordsReused = 0
        /// Content files read; the others' stamps (`FileStamp`) said they had not changed.
        public var filesRead = 0
    }

    public init(_ options: SiteBuilder.Options) {
        self.options = options
    }

    /// The pages open in a browser, rendered ahead of the rest of a rebuild (`rebuild(opening:early:)`).
    public struct Early: Sendable {
        /// The open pages as they will be once the rebuild is done (rendered again, or as they
        /// were when nothing they show changed), and the assets when the templates changed.
        public var files: [String: Data]
        /// Output paths whose contents the rest of the rebuild may still change or remove: the
        /// other pages it renders, the generated files, the pages and assets that go. A path
        /// in neither the last good site nor `files` may be one the rebuild adds.
        public var pending: Set<String>
        /// When the open pages were ready.
        public var phases: [(name: String, duration: Duration)]
    }

    /// Reads the content and templates again and brings the site up to date with them.
    ///
    /// With `opening` (output paths of pages open in a browser) and `early`, the open pages
    /// that must change are rendered first and handed to `early` before the other pages are,
    /// as Hugo's fast render mode does, so a browser can show an edit without waiting for
    /// every page it touched (on the shipped catalog a machine swap renders 306 pages). The
    /// rebuild then goes on as before: the result, and `files`, are those of a rebuild without
    /// them, and a failure further on (a broken link on another page) still fails it. `early`
    /// is called at most once, on the calling thread, and only when other pages remain to render.
    public func rebuild(opening: Set<String> = [], early: ((Early) -> Void)? = nil) -> Result<Report, DiagnosticsError> {
        do throws(DiagnosticsError) {
            return .success(try update(opening: early == nil ? [] : opening, early: early))
        } catch {
            return .failure(error)
        }
    }

    private func update(opening: Set<String>, early: ((Early) -> Void)?) throws(DiagnosticsError) -> Report {
        var phases: [(String, Duration)] = []
        let clock = ContinuousClock()
        var start = clock.now
        func lap(_ name: String) {
            let now = clock.now
            phases.append((name, now - start))
            start = now
        }

        // Content: every file read, only changed ones parsed. The first time, files a build
        // left in the record cache beside the output are read back from it (never written:
        // the preview does not own the output).
        let records = state == nil ? SiteBuilder.storedRecords(for: options, keeping: false) : nil
        let loaded = CatalogLoader.load(from: options.content, cache: cache, records: records)
        if loaded.diagnostics.hasErrors { throw DiagnosticsError(loaded.diagnostics) }
        let catalog = loaded.catalog
        let collisions = ComboFacets.collisions(catalog)
        if !collisions.isEmpty { throw DiagnosticsError(collisions) }
        lap("load content")

        // Templates: loaded again only when a template file changed.
        let templateTexts = Self.readTemplates(options.templates)
        let templatesChanged = state?.templateTexts != templateTexts
        let templates: TemplateSet
        if let state, !templatesChanged {
            templates = state.templates
        } else {
            templates = try TemplateSet.load(from: options.templates).get()
        }
        let assetsDirectory = options.templates + "/assets"
        var assets: [String: Data] = [:]
        for path in OutputWriter.assetPaths(in: assetsDirectory) {
            assets[path] = FileManager.default.contents(atPath: assetsDirectory + "/" + path.dropFirst("assets/".count))
        }
        lap("load templates")

        // What changed, as dependency keys.
        let before = state?.facets ?? [:]
        var facets: [String: Facets] = [:]
        for kind in RecordKind.allCases {
            for id in catalog.ids(of: kind) {
                guard let path = catalog.path(of: kind, id: id), let text = loaded.files[path]?.text else { continue }
                let key = "\(kind.rawValue):\(id)"
                // A listing is made from its own record: the same text, the same listing. (An
                // unchanged file's text is the same string as last time, so this compares no bytes.)
                if let old = before[key], old.full == text {
                    facets[key] = old
                } else {
                    let targets = catalog.references(of: kind, id: id).map { "\($0.kind.rawValue):\($0.id)" }.sorted()
                    facets[key] = Facets(
                        full: text, listing: Self.listing(kind, id, catalog) ?? text, references: key + ">" + targets.joined(separator: ","))
                }
            }
        }
        var changed: Set<String> = []
        var rewrittenCombos: Set<RecordID<Combo>> = []
        for key in Set(facets.keys).union(before.keys) where facets[key] != before[key] {
            let parts = key.split(separator: ":", maxSplits: 1).map(String.init)
            guard let kind = RecordKind(rawValue: parts[0]) else { continue }
            if kind == .combo { rewrittenCombos.insert(RecordID(parts[1])) }
            changed.insert(DependencyKey.full(kind, parts[1]))
            changed.insert(DependencyKey.anyFull(kind))
            if facets[key]?.listing != before[key]?.listing {
                changed.insert(DependencyKey.listing(kind, parts[1]))
                changed.insert(DependencyKey.kind(kind))
            }
        }

        // The reference graph, which chooses every "See also" block.
        var graph: [String] = []
        for kind in RecordKind.allCases {
            for id in catalog.ids(of: kind) {
                if let line = facets["\(kind.rawValue):\(id)"]?.references { graph.append(line) }
            }
        }
        let references = graph.joined(separator: "\n")
        if references != state?.references { changed.insert(DependencyKey.references) }

        // The builder's data, the search index, the sitemap, the feed and the JSON API are made
        // on another core while this one works out the fit answers, plans the pages and renders
        // them: each starts as soon as what it reads is known. The feed, robots.txt and the JSON
        // API read only the records (at ten thousand combos 0.3 s, which the reload waited for
        // when they started after the planning); they are made again whenever a record changed.
        let everything = state == nil || templatesChanged
        let otherFiles = Slots<[OutputWriter.File]>(count: 3)
        let madeExport = Slots<CatalogAPI.Export?>(count: 1)
        madeExport.set(0, state?.export)
        let making = DispatchGroup()
        // While the pages open in a browser are rendered ahead of the rest, the files no open
        // page shows wait for them: made alongside, they took a core from the planning and those
        // pages (at ten thousand combos on two cores, a title edit's reload came about half a
        // second later).
        var held: [@Sendable () -> Void] = []
        let holding = early != nil && state != nil && !opening.isEmpty
        func inBackground(_ work: @escaping @Sendable () -> Void) {
            if holding { held.append(work) } else { DispatchQueue.global().async(group: making, execute: work) }
        }
        func releaseHeld() {
            for work in held { DispatchQueue.global().async(group: making, execute: work) }
            held = []
        }
        let config = options.config
        if everything || !changed.isEmpty {
            let previousExport = state?.export
            inBackground {
                let made = SitePlumbing.catalogFiles(catalog, config: config, reusing: previousExport)
                otherFiles.set(1, made.files)
                madeExport.set(0, made.export)
            }
        } else {
            otherFiles.set(1, [])
        }

        // Fit answers: reused when nothing they read changed.
        var hasher = Hasher()
        for kind in [RecordKind.device, .machine, .platform, .runtime, .model, .benchmark] {
            for id in catalog.ids(of: kind) {
                hasher.combine(id)
                hasher.combine(facets["\(kind.rawValue):\(id)"]?.full)
            }
        }
        let fits = SiteFits(catalog, reusing: state?.fits, inputs: hasher.finalize(), rewritten: rewrittenCombos)
        changed.formUnion(fits.changedKeys)
        // The builder's data and the search index (mostly JSON encoding).
        if everything || !SitePages.builderDataDependencies.isDisjoint(with: changed) {
            inBackground { otherFiles.set(0, SiteRenderer.generatedFiles(catalog)) }
        } else {
            otherFiles.set(0, [])
        }
        lap("fit answers")

        // Pages: the ones that show something that changed.
        let related = state.flatMap { $0.references == references ? $0.related : nil } ?? RelatedRecords(catalog)
        // The filter values read the combos' listings, the records of other kinds and the fit
        // answers: an edit to a combo's text alone (its body, its editorial fields) leaves
        // them as they were (at ten thousand combos, 0.15 s of each reload to work out again).
        let textOnly = changed.allSatisfy { DependencyKey.isText($0) }
        let comboFacets = state.flatMap { textOnly ? $0.comboFacets : nil } ?? ComboFacets(catalog, fits: fits)
        // After such an edit, every page's dependencies are the last build's (they are made of
        // listings, references, fit answers and filter values, and none of them changed), so
        // they are not worked out again (at ten thousand combos, 0.4 s of each reload): the
        // pages to render are those that show a record whose text changed.
        let keepsPlan = textOnly && !everything
        let specs = SitePages.all(catalog, templates: templates, fits: fits, related: related, facets: comboFacets, dependencies: !keepsPlan)
        // The sitemap lists the pages (and the day each combo was reviewed).
        if everything || !changed.isEmpty {
            let pagePaths = specs.map(\.path)
            inBackground {
                otherFiles.set(2, [SitePlumbing.sitemap(catalog, pages: pagePaths, config: config).made()])
            }
        } else {
            otherFiles.set(2, [])
        }
        var pages = state?.pages ?? [:]
        var renderedPaths: [String] = []
        var diagnostics: [Diagnostic] = []
        let livePaths = Set(specs.map(\.path.outputFile))
        for path in pages.keys where !livePaths.contains(path) { pages[path] = nil }
        let dirty = specs.filter { spec in
            guard !everything, let old = state?.pages[spec.path.outputFile] else { return true }
            if keepsPlan { return PageSpec.showsChangedText(old.textKeys, changed: changed) }
            return spec.isStale(oldDigest: old.dependencyDigest, changed: changed)
        }
        let oldPages = state?.pages ?? [:]
        if templatesChanged { fragments.removeAll() }
        lap("plan pages")
        // Each page rendered, its element ids and links read once and its bytes made, on every
        // core; its HTML goes as soon as that is done (at ten thousand combos, holding every
        // page's text beside its bytes until the end was 1.8 GB more at the peak).
        @Sendable func render(_ spec: PageSpec) -> Result<(PageRecord, Data), DiagnosticsError> {
            SiteRenderer.render(spec, catalog: catalog, templates: templates, config: config, fragments: fragments).map { page in
                let attributes = LinkChecker.PageAttributes(of: page)
                let old = keepsPlan ? oldPages[spec.path.outputFile] : nil
                let record = PageRecord(
                    page: page.withoutHTML, dependencyDigest: old?.dependencyDigest ?? spec.dependencyDigest,
                    textKeys: old?.textKeys ?? spec.textKeys, attributes: attributes,
                    targets: LinkChecker.targets(of: page, attributes: attributes))
                return (record, Data(page.bytes))
            }
        }
        // The pages open in a browser first, when others remain: a failure among them fails
        // the rebuild here, as it would below.
        var results: [Result<(PageRecord, Data), DiagnosticsError>] = []
        var rest = dirty
        if let early, state != nil, !opening.isEmpty {
            let first = dirty.filter { opening.contains($0.path.outputFile) }
            rest = dirty.filter { !opening.contains($0.path.outputFile) }
            // When none of the open pages changes (and no asset they load may), an early reload
            // would show the reader the same page while taking a core from the rest of the
            // rebuild: the reload at the end is enough.
            if rest.isEmpty || (first.isEmpty && !templatesChanged) {
                rest = dirty
            } else {
                results = Parallel.map(first, render)
                var ready: [String: Data] = [:]
                for result in results {
                    switch result {
                    case .success(let (record, bytes)): ready[record.page.path.outputFile] = bytes
                    case .failure(let error): throw DiagnosticsError(Array(Set(error.diagnostics)))
                    }
                }
                for path in opening where ready[path] == nil && pages[path] != nil { ready[path] = files[path] }
                var pending = Set(rest.map(\.path.outputFile))
                pending.formUnion(files.keys.filter { path in
                    // Generated files, pages that go, and assets that may change or go.
                    (!path.hasSuffix(".html") && !path.hasPrefix("assets/")) || (path.hasSuffix(".html") && pages[path] == nil)
                        || (path.hasPrefix("assets/") && assets[path] != files[path])
                })
                if templatesChanged { for (path, data) in assets { ready[path] = data } }
                let now = clock.now
                early(Early(files: ready, pending: pending, phases: phases + [("render \(first.count) open \(first.count == 1 ? "page" : "pages")", now - start)]))
            }
        }
        releaseHeld()
        results += Parallel.map(rest, render)
        var renderedFiles: [String: Data] = [:]
        for result in results {
            switch result {
            case .success(let (record, bytes)):
                let path = record.page.path.outputFile
                pages[path] = record
                renderedFiles[path] = bytes
                renderedPaths.append(path)
            case .failure(let error):
                diagnostics += error.diagnostics
            }
        }
        if !diagnostics.isEmpty { throw DiagnosticsError(Array(Set(diagnostics))) }
        var generated: [String: Data] = [:]
        making.wait()
        for file in otherFiles.values.joined() { generated[file.path] = file.contents }
        lap("render \(renderedPaths.count) pages")

        // Links: the pages rendered, and the pages that link to a page that changed or went.
        var moved = Set(oldPages.keys).subtracting(pages.keys)
        for path in renderedPaths where oldPages[path]?.ids != pages[path]?.ids { moved.insert(path) }
        let toCheck = Set(renderedPaths).union(pages.filter { !$0.value.targets.isDisjoint(with: moved) }.map(\.key))
        let idsByFile = pages.mapValues(\.ids)
        let knownFiles = Set(assets.keys).union(generated.keys).union(files.keys.filter { !$0.hasSuffix(".html") })
        let checked = toCheck.sorted().compactMap { pages[$0] }
        let sources = loaded.files
        let siteURL = options.config.baseURL
        let problems = Parallel.map(checked) { record in
            LinkChecker.check(
                record.page, attributes: record.attributes, idsByFile: idsByFile, assets: knownFiles, files: sources, siteURL: siteURL)
        }.flatMap { $0 }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        lap("check \(toCheck.count) pages' links")

        // Commit: the new site replaces the old one whole.
        var next = files
        for path in next.keys where path.hasSuffix(".html") && pages[path] == nil { next[path] = nil }
        for (path, bytes) in renderedFiles { next[path] = bytes }
        for (path, data) in generated { next[path] = data }
        for path in next.keys where path.hasPrefix("assets/") && assets[path] == nil { next[path] = nil }
        for (path, data) in assets { next[path] = data }
        files = next
        state = State(
            facets: facets, templateTexts: templateTexts, templates: templates, assets: assets, fits: fits, pages: pages,
            references: references, related: related, export: madeExport.values[0], comboFacets: comboFacets)
        return Report(
            changed: changed.filter { $0.hasPrefix("full:") }.count, renderedPaths: renderedPaths.sorted(), checked: toCheck.count,
            total: pages.count, phases: phases, recordsReused: records?.reused ?? 0, filesRead: cache.filesRead)
    }

    /// Every template's text, to tell whether any changed.
    private static func readTemplates(_ directory: String) -> [String: String] {
        var texts: [String: String] = [:]
        let names = FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []
        for name in names where name.hasSuffix(".mustache") && !name.hasPrefix("assets/") {
            texts[name] = (try? String(contentsOfFile: directory + "/" + name, encoding: .utf8)) ?? ""
        }
        return texts
    }

    /// What other pages show of a record, when that is less than the whole record: a combo's
    /// title, summary, configuration and runtimes (not its editorial sections), a stack's or a
    /// guide's title and summary. Nil means the whole record.
    static func listing(_ kind: RecordKind, _ id: String, _ catalog: Catalog) -> String? {
        switch kind {
        case .combo:
            guard let combo = catalog[RecordID<Combo>(id)] else { return nil }
            var parts = [combo.title, combo.summary, combo.difficulty.rawValue, combo.topology.rawValue, combo.platform.id.raw]
            parts += combo.nodes.map { "\($0.machine.id.raw):\($0.count):\($0.name ?? "")" }
            if let link = combo.link { parts += [link.interconnect.rawValue, link.transport.rawValue, "\(link.gbitPerSecond)"] }
            parts += combo.recommendedRuntimes.map(\.id.raw)
            parts += combo.runtimeCompatibility.map { "\($0.runtime.id.raw):\($0.supported)" }
            parts.append(combo.referenceModel?.id.raw ?? "")
            return parts.joined(separator: "\u{1F}")
        case .stack:
            return catalog[RecordID<Stack>(id)].map { [$0.title, $0.summary].joined(separator: "\u{1F}") }
        case .guide:
            return catalog[RecordID<Guide>(id)].map { [$0.title, $0.summary, $0.published?.longForm ?? ""].joined(separator: "\u{1F}") }
        default:
            return nil
        }
    }
}

/// Work spread over every core, results in the order of the input.
enum Parallel {
    static func map<Element: Sendable, Result: Sendable>(_ items: [Element], _ transform: @Sendable (Element) -> Result) -> [Result] {
        let slots = Slots<Result>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            slots.set(index, transform(items[index]))
        }
        return slots.values
    }
}
