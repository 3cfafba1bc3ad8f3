import Catalog
import Foundation

/// `combos build`: a fixed list of named, timed phases. Hash the inputs, load and check the
/// catalog, load the templates, render the pages, check every link, then write the output. Any
/// error stops the build before the output is touched.
///
/// Pages stream: each is rendered, read for what link checking needs, written and dropped on the
/// worker that made it, so memory holds one page per core, not the site.
///
/// The output folder keeps a manifest of what the build read and wrote (`BuildManifest`). With
/// one, the next build stops at once when no input changed, and otherwise renders only the pages
/// that show something that changed (`SitePages` says what each page shows) and writes only the
/// files whose bytes changed, into a hard-linked copy of the output that is then swapped in whole
/// (`OutputWriter.Update`). Without one, with `--clean`, or when the templates or the `combos`
/// binary changed, it writes a whole new output beside the old and swaps it in.
public enum SiteBuilder {
    public struct Options: Sendable {
        public var content: String
        public var templates: String
        public var output: String
        public var config: SiteConfig
        /// Ignore the manifest: render everything and replace the output whole.
        public var clean: Bool
        /// How the output a whole build replaces is deleted: before `build` returns, or by a
        /// process of its own (`combos build`, which exits as soon as the new output is in place).
        public var disposal: OutputWriter.Disposal = .beforeReturning
        /// Keep what the build held (the catalog, the fit answers, both manifests) until the
        /// process exits, instead of freeing it piece by piece before `build` returns: for
        /// `combos build`, which exits right after and whose memory goes back with the exit (at
        /// 10,000 combos, freeing it took about a third of a second at the end of each update).
        /// A caller that goes on (the tests) leaves it false.
        public var keepsMemoryUntilExit = false

        public init(content: String = "content", templates: String = "templates", output: String = "public",
                    baseURL: String = "http://localhost:8080/", clean: Bool = false) {
            self.content = content
            self.templates = templates
            self.output = output
            self.config = SiteConfig(baseURL: baseURL)
            self.clean = clean
        }
    }

    public struct Report: Sendable {
        public var catalogSummary: String
        public var pages: Int
        public var assets: Int
        public var warnings: [Diagnostic]
        /// Each phase with how long it took.
        /// Each phase's wall time, and the process's peak resident memory when it ended.
        public var phases: [(name: String, duration: Duration, peakBytes: Int)]
        /// No input changed since the last build: nothing was read past the hashes, nothing written.
        public var upToDate = false
        /// The output was updated from the last build's manifest (only changed files written).
        public var incremental = false
        /// Pages rendered (every page for a full build).
        public var rendered = 0
        /// Output files written and the output's files in all (the manifest and marker aside).
        public var written = 0
        public var files = 0
        /// Configurations (distinct machines, link, platform and runtimes) whose fit answers
        /// were worked out, and the catalog's in all: an update works out only the ones of the
        /// pages it renders.
        public var configurationsWorkedOut = 0
        public var configurations = 0
        /// How many configurations' standings the model pages ranked by were read back from the
        /// last build's (`StoredStandings`), not worked out.
        public var standingsReadBack = 0
        /// Record files read back from the record cache beside the output instead of parsed, and
        /// the record files read in all.
        public var recordsReused = 0
        public var recordFiles = 0
        /// The "See also" blocks were the last build's, kept in its manifest (the references
        /// had not changed), not worked out again.
        public var relatedReused = false
        /// Only records' text changed since the last build, so the page plan was its (no page's
        /// dependencies were worked out).
        public var planKept = false
        /// The builder's data and the search index were the last build's, kept in the output
        /// (no record's listing changed), not made again.
        public var listingFilesKept = false
        /// The output files written or removed, for tests and `--verbose`.
        public var writtenPaths: [String] = []
        public var removedPaths: [String] = []
    }

    /// Everything but writing: the catalog, the templates, every page and every link checked.
    /// `combos check` runs this, so an editor sees a broken link before building.
    public static func check(_ options: Options) throws(DiagnosticsError) -> Report {
        try run(options, write: false)
    }

    public static func build(_ options: Options) throws(DiagnosticsError) -> Report {
        try run(options, write: true)
    }

    /// What a rendered page leaves behind.
    private struct PageResult: Sendable {
        var links: LinkChecker.PageLinks
        var hash: UInt64
        var written: Bool
        /// `BuildManifest.Page.textKeys`.
        var textKeys: [String]
    }

    private static func run(_ options: Options, write: Bool) throws(DiagnosticsError) -> Report {
        var phases: [(String, Duration, Int)] = []
        let clock = ContinuousClock()
        func timed<T>(_ name: String, _ work: () throws(DiagnosticsError) -> T) throws(DiagnosticsError) -> T {
            let start = clock.now
            let result = try work()
            phases.append((name, clock.now - start, peakResidentBytes()))
            return result
        }

        // 1. The inputs' hashes against the manifest: nothing changed, nothing to do.
        var next = BuildManifest()
        var found: BuildManifest?
        // The inputs' stamps of the last build, beside the output (`InputStamps`): a file that
        // kept its stamp is not read to hash it. Written again when they changed, once the build
        // is done (or found nothing to do).
        let stampsURL = OutputWriter.inputStamps(of: URL(fileURLWithPath: options.output).standardizedFileURL)
        let stampsFingerprint = InputStamps.fingerprint()
        let knownStamps = write && !options.clean
            ? FileManager.default.contents(atPath: stampsURL.path).flatMap { InputStamps($0, fingerprint: stampsFingerprint) }
            : nil
        var stamps = InputStamps()
        @Sendable func keep(_ stamps: InputStamps) {
            if stamps != knownStamps { try? OutputWriter.writeAtomically(stamps.encoded(fingerprint: stampsFingerprint), to: stampsURL) }
        }
        if write {
            let upToDate = try timed("hash inputs") { () -> (pages: Int, files: Int)? in
                (next.inputs, stamps) = BuildManifest.hashInputs(content: options.content, templates: options.templates, known: knownStamps)
                next.fingerprint = BuildManifest.fingerprint(options.config)
                // Read once: the header says whether the rest is needed (18 MB at 10,000 combos).
                let manifestData = options.clean ? nil : FileManager.default.contents(atPath: options.output + "/" + BuildManifest.fileName)
                guard let manifestData, let header = BuildManifest.parse(manifestData, headerOnly: true),
                      header.fingerprint == next.fingerprint,
                      FileManager.default.fileExists(atPath: options.output + "/" + OutputWriter.marker)
                else { return nil }
                let templatesChanged = Set(header.inputs.keys).union(next.inputs.keys)
                    .contains { $0.hasPrefix("templates/") && header.inputs[$0] != next.inputs[$0] }
                if header.inputs == next.inputs { return BuildManifest.counts(from: options.output) }
                if !templatesChanged { found = BuildManifest.parse(manifestData) }
                return nil
            }
            if let upToDate {
                // Nothing to write, but what a killed build left beside the output still goes.
                OutputWriter.removeLeftovers(of: options.output, options.disposal)
                keep(stamps)
                return Report(
                    catalogSummary: "", pages: upToDate.pages, assets: upToDate.files - upToDate.pages, warnings: [], phases: phases,
                    upToDate: true, files: upToDate.files)
            }
        }

        let previous = found
        var relatedReused = false
        var recordsReused = 0
        var recordFiles = 0
        var recordCache: RecordCache?

        // 2. The templates and the catalog, checked; what each record and fit answer is made of.
        // The templates first: a wrong --templates folder is said at once, not after loading ten
        // thousand records. A template's syntax error waits for the content's problems, so that
        // one run lists both.
        let loadedTemplates = try timed("load templates") { TemplateSet.load(from: options.templates) }
        if case .failure(let error) = loadedTemplates, !TemplateSet.exists(options.templates) { throw error }
        // What each unchanged record file decoded to in the last build, kept beside the output
        // (`--clean` starts without it). A build writes it back, with what this one decoded.
        // Written on another core while the answers are worked out, then dropped (with the old
        // cache's bytes), so that it does not add to the build's peak memory.
        let recordCacheURL = recordCacheURL(for: options)
        let cacheWriting = DispatchGroup()
        defer { cacheWriting.wait() }
        var loaded = try timed("load and check content") { () throws(DiagnosticsError) -> CatalogLoader.Result in
            // `check` reads a cache but never writes one: it keeps nothing new.
            let records = storedRecords(for: options, keeping: write) ?? (write ? RecordCache() : nil)
            let result = CatalogLoader.load(from: options.content, records: records)
            recordsReused = records?.reused ?? 0
            recordFiles = result.files.count
            recordCache = records
            var problems = result.diagnostics.hasErrors ? result.diagnostics : []
            if case .failure(let error) = loadedTemplates { problems += error.diagnostics }
            if !problems.isEmpty { throw DiagnosticsError(problems) }
            return result
        }
        // The records' data as JSON (80 MB at ten thousand combos) is read by the JSON API alone:
        // it goes with the export below, not with the catalog every page holds until the end.
        var exported: Catalog? = loaded.catalog
        loaded.catalog.data = [:]
        let catalog = loaded.catalog
        let templates = try loadedTemplates.get()
        // Where pages go: a whole new output beside the old one, or staged beside the files they
        // replace. Made once the content is known good: an update's hard-linked copy of the
        // output (tens of thousands of links and folders at ten thousand combos) is made on
        // another thread while the answers are worked out and the pages planned.
        let staging: OutputWriter.Staging?
        let update: OutputWriter.Update?
        if write, previous == nil { staging = try OutputWriter.Staging(options.output, disposal: options.disposal) } else { staging = nil }
        if write, previous != nil { update = try OutputWriter.Update(options.output, disposal: options.disposal) } else { update = nil }
        // Once the output is known to be ours (a folder it refuses gets nothing beside it either).
        // Only a cache: a build that cannot write it still builds, and the next one parses what
        // it would have held.
        if write, let records = recordCache {
            DispatchQueue.global().async(group: cacheWriting) {
                try? records.write(to: recordCacheURL, fingerprint: BuildManifest.binaryFingerprint())
            }
        }
        recordCache = nil
        func abandon() {
            staging?.abandon()
            update?.abandon()
        }

        let collisions = ComboFacets.collisions(catalog)
        if !collisions.isEmpty {
            abandon()
            throw DiagnosticsError(collisions)
        }
        // Each record's hash, from its file's bytes; then the texts go (about 100 MB at ten
        // thousand combos, no longer held while the answers are worked out and the pages
        // planned). A broken link's line is read again from its file.
        next.records = BuildManifest.recordHashes(catalog, files: loaded.files)
        loaded.files = [:]

        // The builder's data, search index, robots file, feed and JSON API read only the
        // catalog: made and written on another core while the fit answers are worked out and the
        // pages planned (planning is mostly one core's work), and joined before the sitemap.
        // Only their paths and hashes are kept (the export of a large catalog is tens of MB).
        // Once made and written, they go: the work item is the last to hold them.
        var early = exported.map { SiteRenderer.generated(catalog) + SitePlumbing.catalogFiles($0, config: options.config) }
        exported = nil
        let earlyPaths = early?.map(\.path) ?? []
        let earlyWritten = Slots<Result<(hash: UInt64, written: Bool), DiagnosticsError>>(count: earlyPaths.count)
        let making = DispatchGroup()
        // The builder's data and the search index show each record as lists show it (its
        // listing; `SitePages.builderDataDependencies`, as `combos serve` decides): an update in
        // which no record's listing changed, and none came or went, keeps both as the output it
        // copies has them (at ten thousand combos, 0.4 s of a core to make again).
        let listingsKept = previous.map { previous in
            previous.records.count == next.records.count
                && next.records.allSatisfy { previous.records[$0.key]?.listing == $0.value.listing }
        } ?? false
        let keptPaths: Set<String> = listingsKept ? Set(SiteRenderer.generated(catalog).map(\.path)) : []
        if write, let early {
            let previousFiles = previous?.files ?? [:]
            DispatchQueue.global().async(group: making) {
                do {
                    try staging?.makeFolders(for: early.map(\.path))
                } catch {
                    let failed = failure(options.output, "cannot write the new output: \(error.localizedDescription)")
                    for index in early.indices { earlyWritten.set(index, .failure(failed)) }
                    return
                }
                for (index, maker) in early.enumerated() {
                    if update != nil, keptPaths.contains(maker.path), let hash = previousFiles[maker.path] {
                        earlyWritten.set(index, .success((hash, false)))
                        continue
                    }
                    do {
                        earlyWritten.set(index, .success(try put(maker.made(), staging: staging, update: update, previous: previousFiles)))
                    } catch {
                        earlyWritten.set(index, .failure(failure(options.output, "cannot write the new output: \(error.localizedDescription)")))
                    }
                }
            }
        }
        early = nil

        // An update works out the answers of the configurations whose pages it renders, when
        // they render; a whole new output asks for all of them, worked out here on every core.
        // The model pages' standings of the last build, read only when an update renders one
        // (`StoredStandings`): good for the same binary and the same records the answers read.
        next.fitInputs = BuildManifest.fitInputsHash(next.records, catalog)
        let standingsURL = standingsURL(for: options)
        let standingsFingerprint = StableHash.hash("standings \(BuildManifest.binaryFingerprint()) \(next.fitInputs)")
        var stored: (@Sendable ([String]) -> [String: [ModelStanding]?]?)?
        if write, !options.clean {
            stored = { @Sendable models in
                FileManager.default.contents(atPath: standingsURL.path)
                    .flatMap { StoredStandings.decode($0, models: models, fingerprint: standingsFingerprint) }
            }
        }
        let fits = try timed("fit answers") { SiteFits(catalog, lazily: previous != nil, stored: stored) }
        var changed: Set<String>?
        // After an edit to records' text alone, every page's dependencies are the last build's
        // (`DependencyKey.isText`): they are not worked out again (at ten thousand combos, most
        // of planning), and the pages to render are those that show the text that changed.
        var keepsPlan = false
        var specs = try timed("plan pages") { () -> [PageSpec] in
            next.references = BuildManifest.referencesHash(catalog)
            for (id, key) in fits.comboKeys { next.comboKeys[id.raw] = StableHash.hash(key) }
            changed = previous.map { $0.changedKeys(to: next) }
            keepsPlan = changed?.allSatisfy(DependencyKey.isText) ?? false
            // The "See also" blocks of the last build while the references are the same.
            let related: RelatedRecords
            if let previous, previous.references == next.references, !previous.related.isEmpty {
                related = RelatedRecords(blocks: previous.related)
                relatedReused = true
            } else {
                related = RelatedRecords(catalog)
            }
            next.related = related.blocks
            if keepsPlan, let previous {
                let specs = SitePages.all(catalog, templates: templates, fits: fits, related: related, dependencies: false)
                // The same pages as last time, as they must be when no listing changed.
                if specs.allSatisfy({ previous.pages[$0.path.outputFile] != nil }) { return specs }
                keepsPlan = false
            }
            return SitePages.all(catalog, templates: templates, fits: fits, related: related)
        }

        // 3. The pages to render: all of them, or those showing something that changed.
        // Each page's dependencies as the manifest keeps them, worked out on every core.
        let digests = keepsPlan
            ? specs.map { previous?.pages[$0.path.outputFile]?.dependencyDigest ?? 0 }
            : Parallel.map(specs) { $0.dependencyDigest }
        var toRender: [Int] = []
        for (index, spec) in specs.enumerated() {
            guard let previous, let changed, let old = previous.pages[spec.path.outputFile] else {
                toRender.append(index)
                continue
            }
            let stale = keepsPlan
                ? PageSpec.showsChangedText(old.textKeys, changed: changed)
                : spec.isStale(oldDigest: old.dependencyDigest, digest: digests[index], changed: changed)
            if stale { toRender.append(index) }
        }

        // Will-it-run pages of combos with the same configuration show the same rows: rendered
        // one after another, each row leaves the fragment cache soon after it is made (in
        // catalog order most configurations' rows would wait for a combo near the end).
        var configuration: [String: String] = [:]
        for combo in catalog.combos { configuration[Route.willItRun(combo.id).outputFile] = fits.comboKeys[combo.id] }
        let keyed: [(key: String, index: Int)] = toRender.map { index in (configuration[specs[index].path.outputFile] ?? "", index) }
        toRender = keyed.sorted { a, b in a.key == b.key ? a.index < b.index : a.key < b.key }.map(\.index)

        // The sitemap, once the pages are known, and the files made early joined: only their
        // paths and hashes are kept.
        var writtenPaths: [String] = []
        let generatedPaths = try timed("export data") { () throws(DiagnosticsError) -> [String] in
            let sitemap = SitePlumbing.sitemap(catalog, pages: specs.map(\.path), config: options.config)
            making.wait()
            if write {
                for (path, outcome) in zip(earlyPaths, earlyWritten.values) {
                    switch outcome {
                    case .success(let written):
                        next.files[path] = written.hash
                        if written.written { writtenPaths.append(path) }
                    case .failure(let error):
                        abandon()
                        throw error
                    }
                }
            }
            let generated = [sitemap]
            do {
                // The pages' folders are made as they are written, on the render workers: made here
                // one after another, the twenty thousand of a large site took seconds of one core.
                try staging?.makeFolders(for: generated.map(\.path))
                for maker in generated where write {
                    let written = try put(maker.made(), staging: staging, update: update, previous: previous?.files ?? [:])
                    next.files[maker.path] = written.hash
                    if written.written { writtenPaths.append(maker.path) }
                }
            } catch {
                abandon()
                throw failure(options.output, "cannot write the new output: \(error.localizedDescription)")
            }
            return earlyPaths + generated.map(\.path)
        }
        let assetsDirectory = options.templates + "/assets"
        let assetPaths = FileManager.default.fileExists(atPath: assetsDirectory) ? OutputWriter.assetPaths(in: assetsDirectory) : []
        let pageFiles = Set(specs.map(\.path.outputFile))
        let otherFiles = Set(assetPaths).union(generatedPaths)

        // 4. Render, read each page's links and ids, write it, drop its HTML.
        var results: [Int: PageResult] = [:]
        // Fit rows are rendered once per answer and page depth, then shared by every page showing them.
        let fragments = FragmentCache(evictingAfterUse: true)
        let idPool = PageIDs.Pool()
        let keptPlan = keepsPlan
        func renderPages(_ indices: [Int]) -> [Diagnostic] {
            let plan = specs
            let outcomes = Parallel.map(indices) { index -> Result<PageResult, DiagnosticsError> in
                let spec = plan[index]
                switch SiteRenderer.render(spec, catalog: catalog, templates: templates, config: options.config, fragments: fragments) {
                case .failure(let error): return .failure(error)
                case .success(let page):
                    let links = LinkChecker.links(
                        of: page, pageFiles: pageFiles, assets: otherFiles, siteURL: options.config.baseURL, pool: idPool)
                    let path = spec.path.outputFile
                    let textKeys = keptPlan ? previous?.pages[path]?.textKeys ?? [] : spec.textKeys
                    // Hashed and written from the page's own bytes (a copy of each was 1.8 GB at
                    // ten thousand combos).
                    return page.bytes.withUnsafeBytes { bytes -> Result<PageResult, DiagnosticsError> in
                        let hash = StableHash.hash(bytes)
                        let changed = previous?.files[path] != hash
                        do {
                            if let staging { try staging.write(path, bytes) } else if let update, changed { try update.stage(path, Data(bytes)) }
                        } catch {
                            return .failure(failure(path, "cannot write: \(error.localizedDescription)"))
                        }
                        return .success(PageResult(links: links, hash: hash, written: write && changed, textKeys: textKeys))
                    }
                }
            }
            var diagnostics: [Diagnostic] = []
            for (index, outcome) in zip(indices, outcomes) {
                switch outcome {
                case .success(let result): results[index] = result
                case .failure(let error): diagnostics += error.diagnostics
                }
            }
            return diagnostics
        }
        try timed("render pages") { () throws(DiagnosticsError) in
            // Pages ranking every configuration would work the missing ones out one after
            // another, each worker waiting on the configuration the other is working out: the
            // standings are made first, on every core.
            if toRender.contains(where: { specs[$0].asksEveryConfiguration }) { _ = fits.standingsTable }
            var diagnostics = renderPages(toRender)
            // Pages not rendered that link to a page whose ids changed, or that went: rendered
            // again (the same bytes) for their links' origins, and checked.
            if let previous, diagnostics.isEmpty {
                var moved = Set(previous.pages.keys).subtracting(pageFiles)
                for (index, result) in results where previous.pages[specs[index].path.outputFile]?.ids != result.links.ids {
                    moved.insert(specs[index].path.outputFile)
                }
                if !moved.isEmpty {
                    let again = specs.indices.filter { index in
                        results[index] == nil && !(previous.pages[specs[index].path.outputFile]?.targets.isDisjoint(with: moved) ?? true)
                    }
                    diagnostics += renderPages(again)
                }
            }
            if !diagnostics.isEmpty {
                abandon()
                // A template mistake shows on every page of its kind; report it once.
                throw DiagnosticsError(Array(Set(diagnostics)))
            }
        }

        // What the rest needs of the plan: each page's file and dependencies. The specs hold
        // the fit answers and every view's inputs; they go now, before the manifest is made.
        let planned = zip(specs, digests).map { (file: $0.path.outputFile, dependencyDigest: $1) }
        specs = []

        // 5. Every rendered page's links, against every page's ids, before the output changes.
        try timed("check links") { () throws(DiagnosticsError) in
            var ids: [String: PageIDs] = [:]
            for spec in planned {
                let file = spec.file
                if let old = previous?.pages[file] { ids[file] = old.ids }
            }
            let checked = results.keys.sorted().map { results[$0]!.links }
            for links in checked { ids[links.file] = links.ids }
            let problems = LinkChecker.problems(checked, ids: { ids[$0] })
            if !problems.isEmpty {
                abandon()
                throw DiagnosticsError(problems)
            }
        }

        // 6. The other files, the manifest, and the output swapped or updated.
        var report = Report(
            catalogSummary: catalog.summary, pages: planned.count, assets: assetPaths.count + generatedPaths.count,
            warnings: loaded.diagnostics.warnings, phases: [], incremental: previous != nil, rendered: results.count)
        if write {
            try timed("write output") { () throws(DiagnosticsError) in
                // Pages not rendered keep the last build's entry: the manifest writes their lines as it read them.
                var carried: Set<String> = []
                for (index, spec) in planned.enumerated() {
                    let file = spec.file
                    let result = results[index]
                    guard let page = result.map({
                        BuildManifest.Page(dependencyDigest: spec.dependencyDigest, ids: $0.links.ids, targets: .init($0.links.targets), textKeys: $0.textKeys)
                    })
                        ?? previous?.pages[file]
                    else { continue }
                    next.pages[file] = page
                    if result == nil { carried.insert(file) }
                    next.files[file] = result?.hash ?? previous?.files[file]
                    if result?.written == true { report.writtenPaths.append(file) }
                }
                for path in assetPaths { next.files[path] = next.inputs["templates/" + path] ?? 0 }
                report.writtenPaths += writtenPaths
                do {
                    if let staging, FileManager.default.fileExists(atPath: assetsDirectory) {
                        _ = try staging.copyAssets(from: assetsDirectory)
                        report.writtenPaths += assetPaths
                    }
                    if let staging { try staging.write(BuildManifest.fileName, streaming: { try next.serialize($0) }) }
                } catch {
                    abandon()
                    throw failure(options.output, "cannot write the new output: \(error.localizedDescription)")
                }
                if let staging {
                    try staging.commit()
                } else if let update, let previous {
                    report.removedPaths = Set(previous.files.keys).subtracting(next.files.keys).sorted()
                    let written = report.writtenPaths
                    if written.isEmpty && report.removedPaths.isEmpty && previous == next {
                        update.abandon()
                    } else {
                        try update.commit(staged: written, removing: report.removedPaths, manifest: next.serialized(carrying: carried, from: previous))
                    }
                }
            }
        }
        // The standings the model pages ranked by, for the next update, when some were worked
        // out (a build that read them all back leaves the file as it is). Only a cache: a build
        // that cannot write it still builds.
        if write, let table = fits.combos.madeStandings, table.readBack < table.standings.count {
            let data = StoredStandings.encode(table.entries, models: fits.modelIDs, fingerprint: standingsFingerprint)
            DispatchQueue.global().async(group: cacheWriting) { try? OutputWriter.writeAtomically(data, to: standingsURL) }
        }
        if write {
            let seen = stamps
            DispatchQueue.global().async(group: cacheWriting) { keep(seen) }
        }
        report.standingsReadBack = fits.combos.madeStandings?.readBack ?? 0
        report.phases = phases
        report.configurationsWorkedOut = fits.combos.workedOutCount
        report.configurations = fits.combos.configurationCount
        report.recordsReused = recordsReused
        report.relatedReused = relatedReused
        report.planKept = keepsPlan
        report.listingFilesKept = write && previous != nil && !keptPaths.isEmpty
        report.recordFiles = recordFiles
        report.written = report.writtenPaths.count
        report.files = write ? next.files.count : planned.count + generatedPaths.count + assetPaths.count
        if options.keepsMemoryUntilExit {
            Self.heldUntilExit.keep([catalog, fits, loaded, previous as Any, next, results, planned, fragments, templates])
        }
        return report
    }

    /// What builds with `keepsMemoryUntilExit` held: referenced here, it is not freed when the
    /// build's variables go (never read; the process exits with it).
    private static let heldUntilExit = Held()

    private final class Held: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Any] = []

        func keep(_ more: [Any]) { lock.withLock { values += more } }
    }

    /// The record cache a build of `options` left beside its output, when it was written by this
    /// binary and is whole; nil with `--clean`. `keeping`: whether the load is to keep what it
    /// decodes for a cache to write (`check` and `serve` only read one).
    static func storedRecords(for options: Options, keeping: Bool) -> RecordCache? {
        guard !options.clean, !options.output.isEmpty,
              let data = FileManager.default.contents(atPath: recordCacheURL(for: options).path),
              let records = RecordCache(data, fingerprint: BuildManifest.binaryFingerprint())
        else { return nil }
        records.keeping = keeping
        return records
    }

    private static func recordCacheURL(for options: Options) -> URL {
        OutputWriter.recordCache(of: URL(fileURLWithPath: options.output).standardizedFileURL)
    }

    private static func standingsURL(for options: Options) -> URL {
        OutputWriter.fitStandings(of: URL(fileURLWithPath: options.output).standardizedFileURL)
    }

    /// A generated file written into a new output, or staged when an update changes it: its
    /// hash, and whether it was written.
    private static func put(
        _ file: OutputWriter.File, staging: OutputWriter.Staging?, update: OutputWriter.Update?, previous: [String: UInt64]
    ) throws -> (hash: UInt64, written: Bool) {
        let hash = StableHash.hash(file.contents)
        if let staging {
            try staging.write(file.path, file.contents)
            return (hash, true)
        }
        if let update, previous[file.path] != hash {
            try update.stage(file.path, file.contents)
            return (hash, true)
        }
        return (hash, false)
    }

    private static func failure(_ path: String, _ message: String) -> DiagnosticsError {
        DiagnosticsError([Diagnostic(at: SourceLocation(path: displayPath(path), line: 0, column: 0), message)])
    }
}

/// The most memory this process has held resident so far, in bytes (what `time -v` reports as
/// its maximum resident set size): `--verbose` prints it after each phase.
func peakResidentBytes() -> Int {
    var usage = rusage()
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return Int(usage.ru_maxrss) * 1024
}
