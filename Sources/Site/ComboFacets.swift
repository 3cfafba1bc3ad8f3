import Catalog
import Fit
import Foundation

/// The ways a reader narrows the combos down: interconnect, memory, difficulty, budget,
/// platform, and which well-known models a combo runs. Every value a combo has is worked out from
/// its records (`Catalog.totals`) or the fit engine (`SiteFits`), never typed in.
///
/// Each value is also a page listing only the combos that have it (`/hardware-combos/budget/under-4000/`),
/// so filtering works without JavaScript; budget and model together get pages of their own
/// (`/hardware-combos/budget/under-4000/runs/llama-3.3-70b/`), the question readers ask most.
struct ComboFacets: Sendable {
    /// One facet: its key (the path segment, the query parameter and the card's `data-` attribute).
    enum Facet: String, CaseIterable, Sendable {
        case budget, runs, memory, interconnect, difficulty, platform

        var label: String {
            switch self {
            case .budget: "Budget"
            case .runs: "Runs at 4-bit"
            case .memory: "Total memory"
            case .interconnect: "Interconnect"
            case .difficulty: "Difficulty"
            case .platform: "Platform"
            }
        }
    }

    /// One value of a facet, as links and pages show it.
    struct Value: Sendable, Hashable {
        let facet: Facet
        /// The path segment and query value: `under-4000`, `llama-3.3-70b`.
        let slug: String
        let label: String
        /// Position among the facet's values, for a reading order (cheapest budget first).
        let order: Int

        /// By facet and slug, which tell values apart (the label and order follow from them):
        /// every combo's values go into a set, and every filter page's combos are found by
        /// looking values up in those sets.
        func hash(into hasher: inout Hasher) {
            hasher.combine(facet)
            hasher.combine(slug)
        }
    }

    /// A set of chosen values, at most one per facet, in facet order.
    struct Selection: Sendable, Hashable {
        let values: [Value]

        init(_ values: [Value]) {
            self.values = values.sorted { Facet.allCases.firstIndex(of: $0.facet)! < Facet.allCases.firstIndex(of: $1.facet)! }
        }

        /// `/hardware-combos/budget/under-4000/runs/llama-3.3-70b/`.
        var path: SitePath {
            SitePath(Route.index(of: .combo).raw + values.map { "\($0.facet.rawValue)/\($0.slug)/" }.joined())
        }

        /// "Combos: Under $4,000 · Runs Llama 3.3 70B Instruct at 4-bit".
        var title: String {
            "Combos: " + values.map(\.phrase).joined(separator: " · ")
        }
    }

    /// Budgets a reader names, in US dollars: a combo is under one when its machines' prices sum below it.
    static let budgetsUSD: [Int] = [2_000, 4_000, 10_000, 50_000]
    /// Memory a reader needs at least, in GB of accelerator (or unified) memory: steps where a
    /// model class starts to fit at 4-bit (a 70B, a 120B MoE, a 235B MoE, a 671B MoE).
    static let memoryStepsGB: [Int] = [48, 96, 192, 512]
    /// The models readers ask about, one per class: a 70B dense model, a 120B MoE, a 235B MoE and
    /// a 671B MoE. A combo runs one when its best 4-bit answer fits or is borderline without
    /// offloading to system RAM.
    static let askedModels: [String] = ["llama-3.3-70b", "gpt-oss-120b", "qwen3-235b-a22b", "deepseek-v3"]

    /// Each combo's values, by combo id.
    let valuesByCombo: [RecordID<Combo>: Set<Value>]
    /// Every value some combo has, grouped by facet, in facet order then value order.
    let groups: [(facet: Facet, values: [Value])]
    /// The combos' prices, for sorting pages cheapest first (nil: not in the records).
    let priceByCombo: [RecordID<Combo>: Double]
    let titleByCombo: [RecordID<Combo>: String]
    /// Every combo, cheapest first, unpriced last, then by title.
    let ordered: [RecordID<Combo>]
    /// Each value's combos, by their places in `ordered`, ascending: a selection's combos are
    /// where its values' lists meet (filtering every combo by its set of values, for each of
    /// the hundreds of selections with a page, was a fifth of planning the pages).
    private let placesByValue: [Value: [Int]]
    private let matches = MatchCache()

    /// The combos of each selection asked so far; pages render on many threads.
    private final class MatchCache: @unchecked Sendable {
        private var entries: [Selection: [RecordID<Combo>]] = [:]
        private let lock = NSLock()
        func get(_ selection: Selection) -> [RecordID<Combo>]? { lock.withLock { entries[selection] } }
        func set(_ selection: Selection, _ ids: [RecordID<Combo>]) { lock.withLock { entries[selection] = ids } }
    }

    init(_ catalog: Catalog, fits: SiteFits) {
        var valuesByCombo: [RecordID<Combo>: Set<Value>] = [:]
        var prices: [RecordID<Combo>: Double] = [:]
        var titles: [RecordID<Combo>: String] = [:]
        let models = Self.askedModels.compactMap { catalog[RecordID<Model>($0)] }
        fits.prepareReferences(models)
        let platformOrder = Dictionary(uniqueKeysWithValues: catalog.platforms.all.enumerated().map { ($0.element.id, $0.offset) })
        let budgetLabels = Self.budgetsUSD.map { "Under \(Format.dollars(Double($0)))" }
        for combo in catalog.combos {
            let totals = catalog.totals(of: combo)
            var values: Set<Value> = []
            if let price = totals.priceUSD {
                prices[combo.id] = price
                for (index, budget) in Self.budgetsUSD.enumerated() where price < Double(budget) {
                    values.insert(Value(facet: .budget, slug: "under-\(budget)", label: budgetLabels[index], order: index))
                }
            }
            for (index, model) in models.enumerated() {
                guard let answer = fits.reference(model, on: combo.id, context: SiteFits.context) else { continue }
                if Self.runs(answer.result) {
                    values.insert(Value(facet: .runs, slug: model.id.raw, label: model.name, order: index))
                }
            }
            for (index, step) in Self.memoryStepsGB.enumerated() where totals.acceleratorMemoryGB >= Double(step) {
                values.insert(Value(facet: .memory, slug: "at-least-\(step)-gb", label: "\(step) GB or more", order: index))
            }
            values.insert(Self.interconnect(combo, totals))
            let difficulty = combo.difficulty
            values.insert(Value(facet: .difficulty, slug: difficulty.rawValue, label: difficulty.label,
                                order: Difficulty.allCases.firstIndex(of: difficulty) ?? 0))
            if let platform = catalog[combo.platform.id] {
                values.insert(Value(facet: .platform, slug: platform.id.raw, label: platform.name, order: platformOrder[platform.id] ?? 0))
            }
            valuesByCombo[combo.id] = values
            titles[combo.id] = combo.title
        }
        self.valuesByCombo = valuesByCombo
        priceByCombo = prices
        titleByCombo = titles
        // Sorted with each combo's price and title beside it: looked up in the dictionaries at
        // every comparison, they were a quarter of making the facets at 10,000 combos.
        ordered = catalog.combos.all
            .map { (id: $0.id, price: prices[$0.id] ?? .infinity, title: $0.title) }
            .sorted { a, b in a.price != b.price ? a.price < b.price : (a.title, a.id.raw) < (b.title, b.id.raw) }
            .map(\.id)
        var places: [Value: [Int]] = [:]
        for (place, id) in ordered.enumerated() {
            for value in valuesByCombo[id] ?? [] { places[value, default: []].append(place) }
        }
        placesByValue = places
        let all = Set(valuesByCombo.values.flatMap { $0 })
        groups = Facet.allCases.map { facet in
            (facet, all.filter { $0.facet == facet }.sorted { ($0.order, $0.label) < ($1.order, $1.label) })
        }.filter { !$0.values.isEmpty }
    }

    /// Runs means fits or is borderline with the whole model in accelerator (or unified) memory:
    /// a 70B spilling layers to system RAM loads, but at a speed no reader means by "runs".
    static func runs(_ result: FitResult) -> Bool {
        (result.verdict == .fits || result.verdict == .tight) && !(result.strategy?.offloadsToSystemRAM ?? false)
    }

    /// A single device needs no link; several in one machine use the machine's own (PCIe, NVLink,
    /// Infinity Fabric, which the records do not say); several machines use the combo's link.
    static func interconnect(_ combo: Combo, _ totals: HardwareTotals) -> Value {
        if let link = combo.link {
            return Value(facet: .interconnect, slug: link.interconnect.rawValue, label: link.interconnect.label,
                         order: 2 + (Interconnect.allCases.firstIndex(of: link.interconnect) ?? 0))
        }
        if totals.deviceCount > 1 {
            return Value(facet: .interconnect, slug: "in-box", label: "Inside one machine", order: 1)
        }
        return Value(facet: .interconnect, slug: "none", label: "One device, no link", order: 0)
    }

    /// Every combo's filter values as one number, the same in every process: what the filter
    /// panels' counts and the narrower links' counts are made of (the order of a list is not
    /// in it; each page of cards keeps its own, `DependencyKey.listed`).
    var digest: UInt64 { digestCache.value { Self.digest(valuesByCombo) } }
    private let digestCache = DigestCache()

    private static func digest(_ valuesByCombo: [RecordID<Combo>: Set<Value>]) -> UInt64 {
        var hash = StableHash()
        for id in valuesByCombo.keys.sorted(by: { $0.raw < $1.raw }) {
            let values = (valuesByCombo[id] ?? []).map { "\($0.facet.rawValue)/\($0.slug)/\($0.order)/\($0.label)" }.sorted()
            hash.combine(id.raw + ":" + values.joined(separator: ",") + "\n")
        }
        return hash.value
    }

    /// The digest once worked out: `combos serve` keeps the facets between edits that do not
    /// change them, and the digest with them (at ten thousand combos, 40 ms of each reload).
    private final class DigestCache: @unchecked Sendable {
        private var digest: UInt64?
        private let lock = NSLock()
        func value(_ make: () -> UInt64) -> UInt64 {
            lock.withLock {
                if let digest { return digest }
                let made = make()
                digest = made
                return made
            }
        }
    }

    /// The combos having every value of `selection`, cheapest first, unpriced last, then by title.
    /// Every page of filters and every filter panel asks this (a panel once per value), so the
    /// combos are sorted once and each answer is kept.
    func combos(matching selection: Selection) -> [RecordID<Combo>] {
        if let known = matches.get(selection) { return known }
        var places: [Int]?
        for value in selection.values {
            let mine = placesByValue[value] ?? []
            places = places.map { Self.common($0, mine) } ?? mine
        }
        let found = places.map { $0.map { ordered[$0] } } ?? ordered
        matches.set(selection, found)
        return found
    }

    /// The numbers in both ascending lists, ascending.
    static func common(_ a: [Int], _ b: [Int]) -> [Int] {
        var both: [Int] = []
        var (i, j) = (0, 0)
        while i < a.count, j < b.count {
            if a[i] < b[j] {
                i += 1
            } else if b[j] < a[i] {
                j += 1
            } else {
                both.append(a[i])
                i += 1
                j += 1
            }
        }
        return both
    }

    /// The selections that get a page: every single value, and every budget with every model
    /// that some combo under that budget runs. Only selections with at least one combo.
    var pageSelections: [Selection] {
        var selections = groups.flatMap { $0.values.map { Selection([$0]) } }
        for budget in values(of: .budget) {
            for model in values(of: .runs) where !combos(matching: Selection([budget, model])).isEmpty {
                selections.append(Selection([budget, model]))
            }
        }
        return selections
    }

    func values(of facet: Facet) -> [Value] {
        groups.first { $0.facet == facet }?.values ?? []
    }

    /// The selections one step narrower than `selection` that have a page: a budget page narrows
    /// by model, a model page by budget.
    func narrower(than selection: Selection) -> [Selection] {
        guard selection.values.count == 1, let only = selection.values.first else { return [] }
        let other: Facet
        switch only.facet {
        case .budget: other = .runs
        case .runs: other = .budget
        default: return []
        }
        return values(of: other).map { Selection([only, $0]) }.filter { !combos(matching: $0).isEmpty }
    }

    /// A combo whose id is a facet's name would share its folder with that facet's pages.
    static func collisions(_ catalog: Catalog) -> [Diagnostic] {
        // The filter folders, and the folder of the index's later pages.
        let names = Set(Facet.allCases.map(\.rawValue)).union([Pagination.folder])
        return catalog.combos.all.filter { names.contains($0.id.raw) }.map { combo in
            Diagnostic(at: SourceLocation(path: combo.path, line: 1, column: 1),
                       "the combo id \"\(combo.id.raw)\" is taken by the combo filter pages (\(Route.index(of: .combo).raw)\(combo.id.raw)/…); rename the file")
        }.sorted()
    }
}

extension ComboFacets.Value {
    /// The value as a page names it: "Runs Llama 3.3 70B Instruct at 4-bit", "Under $4,000".
    var phrase: String {
        switch facet {
        case .runs: "Runs \(label) at 4-bit"
        case .memory: "\(label) of memory"
        case .difficulty: "\(label) to build"
        default: label
        }
    }

    /// The facet page for this value alone.
    var path: SitePath { ComboFacets.Selection([self]).path }
}
