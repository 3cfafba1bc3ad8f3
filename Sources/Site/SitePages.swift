import Catalog
import Fit

/// What a page is made of, for rebuilding only what an edit touches (`combos serve`).
///
/// A key names something a page shows: one record in full (`full:combo:x`), one record as other
/// pages show it, by name and headline figures (`listing:device:rtx-3090`), the set of records of
/// a kind with their listings (`kind:model`), a change to any record of a kind in full
/// (`anyfull:combo`), or fit answers (`fits:combo:x`, `fits:device:x`, `fits`). A page is built
/// again when a key it depends on changed; the keys are conservative, never clever.
enum DependencyKey {
    static func full(_ kind: RecordKind, _ id: String) -> String { "full:\(kind.rawValue):\(id)" }
    static func listing(_ kind: RecordKind, _ id: String) -> String { "listing:\(kind.rawValue):\(id)" }
    static func kind(_ kind: RecordKind) -> String { "kind:\(kind.rawValue)" }
    static func anyFull(_ kind: RecordKind) -> String { "anyfull:\(kind.rawValue)" }
    static func comboFits(_ id: RecordID<Combo>) -> String { "fits:combo:\(id.raw)" }
    static func deviceFits(_ id: RecordID<Device>) -> String { "fits:device:\(id.raw)" }
    static let fits = "fits"
    /// Which records name which: what the computed "See also" blocks are chosen from.
    static let references = "references"
    /// Whether a key names records' text (`full:`, `anyfull:`): a change to those alone changes
    /// no page's dependencies, which are made of listings, references, fit answers and filter
    /// values.
    static func isText(_ key: String) -> Bool {
        key.hasPrefix("full:") || key.hasPrefix("anyfull:")
    }
    /// What a list of combo cards shows beyond the cards themselves: which combos, in which
    /// order, how many, and every combo's filter values (the filter panel's counts), as a
    /// digest. A page whose dependencies differ from its last build's is rendered again, so an
    /// edit that moves a combo onto or off a page, or changes a count, renders that page.
    static func listed(_ digest: UInt64) -> String { "listed:" + String(digest, radix: 16) }
}

/// One page of the site: where it goes, what it is made from, what it shows, how to build it.
struct PageSpec: Sendable {
    let path: SitePath
    /// The content file the page is made from (or its template, for pages made of many records).
    let source: String
    let template: String
    let dependencies: Set<String>
    /// The page ranks every configuration (a model page ranks every combo by its speed): an
    /// update rendering one makes the standings first (`SiteFits.standingsTable`), working out
    /// on every core those the last build did not keep, rather than page by page as it ranks.
    var asksEveryConfiguration = false
    let build: @Sendable (inout PageContext) -> Any

    /// The same page, with no dependencies (`SitePages.all(dependencies: false)`).
    var withoutDependencies: PageSpec {
        PageSpec(path: path, source: source, template: template, dependencies: [], asksEveryConfiguration: asksEveryConfiguration, build: build)
    }

    /// Whether a page built before with dependencies of digest `oldDigest` must be rendered
    /// again after the `changed` keys: its dependencies are not the last build's (a list of
    /// cards whose members or counts changed), or it shows something that changed. Different
    /// digests mean different dependencies, and equal digests the same ones, so the last
    /// build's set itself is not needed (at ten thousand combos, comparing every page's set
    /// with the last build's was 0.15 s of each update). `combos build` and `combos serve`
    /// both decide by this. `digest`: this spec's `dependencyDigest`, when already worked out.
    func isStale(oldDigest: UInt64, digest: UInt64? = nil, changed: Set<String>) -> Bool {
        oldDigest != (digest ?? dependencyDigest) || !dependencies.isDisjoint(with: changed)
    }

    /// Its dependencies that name records' text (`DependencyKey.isText`), sorted: what a build
    /// keeps of them for the edits that leave every page's dependencies as they were.
    var textKeys: [String] {
        dependencies.filter(DependencyKey.isText).sorted()
    }

    /// Whether a page whose text keys were `textKeys` must be rendered again after an edit to
    /// records' text alone (every `changed` key `DependencyKey.isText`): after such an edit no
    /// page's dependencies changed, so the plan is not made again (`SitePages.all(dependencies:
    /// false)`) and this alone decides. `combos build` and `combos serve` both decide by it.
    static func showsChangedText(_ textKeys: [String], changed: Set<String>) -> Bool {
        !changed.isDisjoint(with: textKeys)
    }

    /// A 64-bit digest of `dependencies` that does not depend on their order: the sum of each
    /// key's mixed `StableHash`, and their number. Two different sets have the same digest
    /// with a chance of about one in 2^64, the chance the `listed` keys already take.
    var dependencyDigest: UInt64 {
        var sum = UInt64(dependencies.count)
        for key in dependencies {
            var hash = StableHash()
            hash.combine(key)
            // splitmix64's finalizer, so that sums of related keys' hashes do not cancel out.
            var mixed = hash.value
            mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
            sum &+= mixed ^ (mixed >> 31)
        }
        return sum
    }
}

/// Every page of the site, in the order the build renders them.
enum SitePages {
    /// `related`: the "See also" ranking of a catalog with the same references, when the caller
    /// kept one (`combos serve` between edits that do not change what names what).
    /// `facets`: the filter values of the catalog, when the caller kept them (`combos serve`,
    /// after an edit to a combo's text alone).
    /// `dependencies`: false leaves every page's `dependencies` empty, for a caller that keeps
    /// them from before (`combos serve`, after an edit to records' text alone: dependencies are
    /// made of listings, references, fit answers and filter values, none of which changed).
    /// Working them out was most of planning at ten thousand combos.
    static func all(
        _ catalog: Catalog, templates: TemplateSet, fits: SiteFits, related: RelatedRecords? = nil, facets: ComboFacets? = nil,
        dependencies planned: Bool = true
    ) -> [PageSpec] {
        let backlinks = Backlinks(catalog)
        let related = related ?? RelatedRecords(catalog)
        let comparisons = fits.comparisons
        let facets = facets ?? ComboFacets(catalog, fits: fits)
        let cards = ComboCards()
        var pages: [PageSpec] = []
        typealias Key = DependencyKey
        let everyKind = Set(RecordKind.allCases.map(Key.kind))
        // A page of combo cards shows each card's combo (its listing and fit figures, and totals
        // from its machines and devices), the list's order and length, and every combo's filter
        // values (the filter counts): not every combo's title, so a title edit renders the lists
        // the combo is on, not all of them (1,471 at 10,000 combos).
        let facetsDigest = facets.digest
        // Each combo's two keys made once and shared by the lists it is on (a combo is on half a
        // dozen; separate copies were 40 MB at 10,000 combos).
        let cardKeys: [RecordID<Combo>: (listing: String, fits: String)] = Dictionary(
            uniqueKeysWithValues: catalog.combos.map { ($0.id, (Key.listing(.combo, $0.id.raw), Key.comboFits($0.id))) })
        @Sendable func comboListKeys(_ ids: [RecordID<Combo>], page: Pagination?) -> Set<String> {
            guard planned else { return [] }
            var keys: Set<String> = [Key.kind(.machine), Key.kind(.device), Key.kind(.platform)]
            let shown = page?.slice(ids) ?? ids[...]
            for id in shown {
                let card = cardKeys[id] ?? (Key.listing(.combo, id.raw), Key.comboFits(id))
                keys.insert(card.listing)
                keys.insert(card.fits)
            }
            var digest = StableHash()
            digest.combine("\(ids.count) \(facetsDigest) " + shown.map(\.raw).joined(separator: " "))
            keys.insert(Key.listed(digest.value))
            return keys
        }

        /// A record's listing and, for machines, their devices' listings: what a link to it shows.
        /// Each machine's devices are looked up once here, not once per combo naming it.
        let deviceListings: [String: [String]] = Dictionary(uniqueKeysWithValues: catalog.machines.map { machine in
            (machine.id.raw, machine.references.map { Key.listing($0.kind, $0.id) })
        })
        @Sendable func listings(_ references: [AnyReference]) -> Set<String> {
            guard planned else { return [] }
            var keys: Set<String> = []
            for reference in references {
                keys.insert(Key.listing(reference.kind, reference.id))
                if reference.kind == .machine, let devices = deviceListings[reference.id] { keys.formUnion(devices) }
            }
            return keys
        }
        func comboListings(_ combos: Backlinks.ComboList) -> Set<String> {
            planned ? Set(combos.ids.map { Key.listing(.combo, $0.raw) }) : []
        }
        func relatedKeys(_ kind: RecordKind, _ id: String) -> Set<String> {
            planned ? related.dependencies(of: .init(kind: kind, id: id)) : []
        }

        pages.append(PageSpec(path: Route.home, source: templates.path(of: "pages/home"), template: "pages/home", dependencies: everyKind.union([Key.fits])) {
            HomePage(fits: fits, facets: facets, cards: cards, context: &$0)
        })
        for kind in RecordKind.allCases where kind != .benchmark {
            let source = templates.path(of: "pages/index")
            guard kind == .combo else {
                pages.append(PageSpec(path: Route.index(of: kind), source: source, template: "pages/index", dependencies: [Key.kind(kind)]) {
                    IndexPage(kind: kind, fits: fits, facets: facets, cards: cards, context: &$0)
                })
                continue
            }
            let ordered = facets.combos(matching: ComboFacets.Selection([]))
            for page in Pagination.all(Route.index(of: kind), total: catalog.combos.count) {
                pages.append(PageSpec(path: page.path, source: source, template: "pages/index", dependencies: comboListKeys(ordered, page: page)) {
                    IndexPage(kind: kind, page: page, fits: fits, facets: facets, cards: cards, context: &$0)
                })
            }
        }
        // The filter pages' and combo pages' dependencies are worked out on every core: on one
        // they were about 1 s of planning at 10,000 combos, with the other core idle.
        let selections = facets.pageSelections
        let filterPages = Parallel.map(selections) { selection -> [(page: Pagination, keys: Set<String>)] in
            let matching = facets.combos(matching: selection)
            return Pagination.all(selection.path, total: matching.count).map { ($0, comboListKeys(matching, page: $0)) }
        }
        for (selection, paged) in zip(selections, filterPages) {
            for (page, keys) in paged {
                pages.append(PageSpec(
                    path: page.path, source: templates.path(of: "pages/combo-filter"), template: "pages/combo-filter",
                    dependencies: keys
                ) {
                    ComboFilterPage(selection: selection, page: page, facets: facets, cards: cards, fits: fits, context: &$0)
                })
            }
        }
        pages.append(PageSpec(path: Route.search, source: templates.path(of: "pages/search"), template: "pages/search", dependencies: []) {
            SearchPage(context: &$0)
        })
        pages.append(PageSpec(
            path: Route.index(of: .benchmark), source: templates.path(of: "pages/benchmarks"), template: "pages/benchmarks",
            dependencies: [Key.kind(.benchmark), Key.anyFull(.combo), Key.kind(.model), Key.kind(.runtime), Key.kind(.device), Key.fits]
        ) { BenchmarksPage(comparisons: comparisons, fits: fits, context: &$0) })
        pages.append(PageSpec(
            path: Route.methodology, source: templates.path(of: "pages/methodology"), template: "pages/methodology",
            dependencies: [Key.anyFull(.platform), Key.anyFull(.runtime), Key.kind(.benchmark), Key.fits]
        ) { MethodologyPage(comparisons: comparisons, context: &$0) })
        pages.append(PageSpec(
            path: Route.compatibility, source: templates.path(of: "pages/compatibility"), template: "pages/compatibility",
            dependencies: [Key.anyFull(.runtime), Key.kind(.runtime)]
        ) { CompatibilityPage(context: &$0) })

        // What a combo page shows of each alternative: its fit answers and its hardware (its
        // platform, machines and their devices), worked out once per combo. Looked up per
        // alternative, each lookup copied the whole combo record: at 10,000 combos that copying
        // was most of planning the combo pages.
        let comboHardware = !planned ? [] : Parallel.map(catalog.combos.all) { combo -> Set<String> in
            var keys: Set<String> = [Key.listing(.platform, combo.platform.id.raw)]
            for node in combo.nodes {
                keys.insert(Key.listing(.machine, node.machine.id.raw))
                keys.formUnion(deviceListings[node.machine.id.raw] ?? [])
            }
            return keys
        }
        let hardwareByCombo = Dictionary(uniqueKeysWithValues: zip(catalog.combos.all.map(\.id), comboHardware))
        let comboPageKeys = !planned ? [] : Parallel.map(catalog.combos.all) { combo -> Set<String> in
            var keys: Set<String> = [Key.full(.combo, combo.id.raw), Key.comboFits(combo.id), Key.kind(.stack)]
            keys.formUnion(listings(combo.references))
            for alternative in combo.alternatives {
                keys.insert(Key.comboFits(alternative.id))
                if let hardware = hardwareByCombo[alternative.id] { keys.formUnion(hardware) }
            }
            keys.formUnion(related.dependencies(of: .init(kind: .combo, id: combo.id.raw)))
            return keys
        }
        for (index, combo) in catalog.combos.all.enumerated() {
            let keys = planned ? comboPageKeys[index] : []
            pages.append(PageSpec(path: Route.combo(combo.id), source: combo.path, template: "pages/combo", dependencies: keys) {
                ComboPage(combo: combo, fits: fits, related: related, context: &$0)
            })
        }
        for combo in catalog.combos {
            let keys: Set<String> = !planned ? [] : [
                Key.listing(.combo, combo.id.raw), Key.comboFits(combo.id), Key.kind(.model), Key.kind(.runtime), Key.kind(.benchmark),
            ]
            pages.append(PageSpec(path: Route.willItRun(combo.id), source: combo.path, template: "pages/will-it-run", dependencies: keys) {
                WillItRunPage(combo: combo, fits: fits, context: &$0)
            })
        }
        for device in catalog.devices {
            var keys: Set<String> = [
                Key.full(.device, device.id.raw), Key.deviceFits(device.id), Key.kind(.model), Key.kind(.runtime), Key.kind(.platform),
            ]
            keys.formUnion((backlinks.machinesByDevice[device.id] ?? []).map { Key.listing(.machine, $0.id.raw) })
            keys.formUnion(comboListings(backlinks.combos(withDevice: device.id)))
            keys.formUnion(relatedKeys(.device, device.id.raw))
            pages.append(PageSpec(path: Route.device(device.id), source: device.path, template: "pages/device", dependencies: keys) {
                DevicePage(device: device, backlinks: backlinks, fits: fits, related: related, context: &$0)
            })
        }
        for machine in catalog.machines {
            var keys: Set<String> = [Key.full(.machine, machine.id.raw)]
            keys.formUnion(listings(machine.references))
            keys.formUnion(comboListings(backlinks.combos(onMachine: machine.id)))
            keys.formUnion(relatedKeys(.machine, machine.id.raw))
            pages.append(PageSpec(path: Route.machine(machine.id), source: machine.path, template: "pages/machine", dependencies: keys) {
                MachinePage(machine: machine, backlinks: backlinks, related: related, context: &$0)
            })
        }
        for platform in catalog.platforms {
            var keys: Set<String> = [Key.full(.platform, platform.id.raw)]
            keys.formUnion(comboListings(backlinks.combos(onPlatform: platform.id)))
            keys.formUnion(relatedKeys(.platform, platform.id.raw))
            pages.append(PageSpec(path: Route.platform(platform.id), source: platform.path, template: "pages/platform", dependencies: keys) {
                PlatformPage(platform: platform, backlinks: backlinks, related: related, context: &$0)
            })
        }
        for runtime in catalog.runtimes {
            // It quotes every combo's verdict on it.
            var keys: Set<String> = [Key.full(.runtime, runtime.id.raw), Key.anyFull(.combo), Key.kind(.combo)]
            keys.formUnion(relatedKeys(.runtime, runtime.id.raw))
            pages.append(PageSpec(path: Route.runtime(runtime.id), source: runtime.path, template: "pages/runtime", dependencies: keys) {
                RuntimePage(runtime: runtime, related: related, context: &$0)
            })
        }
        for model in catalog.models {
            var keys: Set<String> = [Key.full(.model, model.id.raw), Key.kind(.combo), Key.kind(.device), Key.kind(.runtime), Key.fits]
            keys.formUnion(comboListings(backlinks.combos(naming: model.id)))
            keys.formUnion(relatedKeys(.model, model.id.raw))
            pages.append(PageSpec(
                path: Route.model(model.id), source: model.path, template: "pages/model", dependencies: keys, asksEveryConfiguration: true
            ) {
                ModelPage(model: model, backlinks: backlinks, fits: fits, related: related, context: &$0)
            })
        }
        for stack in catalog.stacks {
            var keys: Set<String> = [Key.full(.stack, stack.id.raw)]
            keys.formUnion(listings(stack.references))
            keys.formUnion(relatedKeys(.stack, stack.id.raw))
            pages.append(PageSpec(path: Route.stack(stack.id), source: stack.path, template: "pages/stack", dependencies: keys) {
                StackPage(stack: stack, related: related, context: &$0)
            })
        }
        for guide in catalog.guides {
            var keys: Set<String> = [Key.full(.guide, guide.id.raw)]
            keys.formUnion(listings(guide.references))
            keys.formUnion(relatedKeys(.guide, guide.id.raw))
            pages.append(PageSpec(path: Route.guide(guide.id), source: guide.path, template: "pages/guide", dependencies: keys) {
                GuidePage(guide: guide, related: related, context: &$0)
            })
        }
        pages.append(PageSpec(
            path: Route.builder, source: templates.path(of: "pages/builder"), template: "pages/builder",
            dependencies: everyKind.union([Key.fits])
        ) { BuilderPage(query: .defaults, fits: fits, context: &$0) })
        // Section titles only: rendered again when the templates change.
        pages.append(PageSpec(path: Route.notFound, source: templates.path(of: "pages/not-found"), template: "pages/not-found", dependencies: []) {
            NotFoundPage(context: &$0)
        })
        return planned ? pages : pages.map(\.withoutDependencies)
    }

    /// The builder's data depends on everything the engine reads and on the combos' presets.
    static let builderDataDependencies: Set<String> = Set(RecordKind.allCases.map(DependencyKey.kind)).union([DependencyKey.fits])
}
