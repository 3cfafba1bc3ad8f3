import Catalog
import Foundation

/// Every combo's card as the list pages show it, made the first time a page asks and shared by
/// the rest for the build: a combo is on the combo index and on every filter page it matches
/// (some 32,000 cards for 10,000 combos). Only the link, relative to each page, is made per page.
final class ComboCards: @unchecked Sendable {
    struct Card: Sendable {
        let title: String
        let summary: String
        let figures: [String]
        let tags: [String]
        let data: [DataAttribute]

        init(_ combo: Combo, fits: SiteFits, facets: ComboFacets, catalog: Catalog) {
            let totals = catalog.totals(of: combo)
            let usable = ComparisonTable.usableCell(combo, fits)
            var tags = ComboPage.tags(combo, totals)
            if let platform = catalog[combo.platform.id] { tags.append(platform.name) }
            let values = facets.valuesByCombo[combo.id] ?? []
            title = combo.title
            summary = IndexItem.firstSentence(combo.summary)
            figures = [ComboPage.memoryValue(totals), "\(usable.text) usable" + (usable.detail.map { " \($0)" } ?? ""),
                       Format.watts(totals.powerW), ComboPage.cost(totals)]
            self.tags = tags
            data = ComboFacets.Facet.allCases.map { facet in
                DataAttribute(name: facet.rawValue, value: values.filter { $0.facet == facet }.map(\.slug).sorted().joined(separator: " "))
            }
        }
    }

    private let lock = NSLock()
    private var cards: [RecordID<Combo>: Card] = [:]

    /// The card, made by `make` the first time (outside the lock: two pages may both make it,
    /// and either is the same).
    func card(_ id: RecordID<Combo>, make: () -> Card?) -> Card? {
        if let card = lock.withLock({ cards[id] }) { return card }
        guard let card = make() else { return nil }
        lock.withLock { cards[id] = card }
        return card
    }
}
