import Catalog
import FixtureSupport
import Testing
@testable import Site

/// Pieces of pages rendered once and shared (a will-it-run page's model blocks, shown by every
/// combo with the same configuration). A one-off build drops each piece once the last page that
/// shows it has asked: at ten thousand combos, a piece left behind per configuration was tens of
/// megabytes held until the end of the build.
@Suite("Fragment cache")
struct FragmentCacheTests {
    let piece = HTML(trusted: "<tr><td>row</td></tr>")

    @Test("a piece is kept until the last page that shows it has asked for it, then dropped")
    func droppedAfterLastUse() {
        let cache = FragmentCache(evictingAfterUse: true)
        cache.set("k", piece, uses: 3)
        #expect(cache.get("k") == piece)
        #expect(cache.count == 1)
        #expect(cache.get("k") == piece)
        #expect(cache.count == 0)
        #expect(cache.get("k") == nil)
    }

    @Test("a piece shown once is not kept at all")
    func singleUseNotKept() {
        let cache = FragmentCache(evictingAfterUse: true)
        cache.set("k", piece, uses: 1)
        #expect(cache.count == 0)
    }

    @Test("two pages that both missed a piece and rendered it count as two of its uses")
    func renderedTwiceAtOnce() {
        let cache = FragmentCache(evictingAfterUse: true)
        // Pages 1 and 2 of 3 rendered side by side: both found nothing and both rendered.
        #expect(cache.get("k") == nil)
        #expect(cache.get("k") == nil)
        cache.set("k", piece, uses: 3)
        cache.set("k", piece, uses: 3)
        #expect(cache.count == 1)
        #expect(cache.get("k") == piece)
        #expect(cache.count == 0)
    }

    @Test("pages rendered on every core leave nothing behind")
    func parallelPagesLeaveNothing() {
        let cache = FragmentCache(evictingAfterUse: true)
        // 200 configurations of 1 to 5 combos each, rendered in order as a build does.
        let pages: [(key: String, uses: Int)] = (0..<200).flatMap { configuration in
            let uses = configuration % 5 + 1
            return Array(repeating: ("configuration \(configuration)", uses), count: uses)
        }
        let shown = Parallel.map(pages) { page -> HTML in
            if let cached = cache.get(page.key) { return cached }
            let html = HTML(trusted: "<p>\(page.key)</p>")
            cache.set(page.key, html, uses: page.uses)
            return html
        }
        #expect(zip(pages, shown).allSatisfy { $0.1 == HTML(trusted: "<p>\($0.0.key)</p>") })
        #expect(cache.count == 0)
    }

    @Test("the cache a preview keeps between rebuilds keeps every piece")
    func previewKeepsPieces() {
        let cache = FragmentCache()
        cache.set("k", piece, uses: 1)
        cache.set("j", piece)
        #expect(cache.get("k") == piece)
        #expect(cache.get("k") == piece)
        #expect(cache.get("j") == piece)
        #expect(cache.count == 2)
    }
}

/// Combo cards: one combo is on the index's pages and on every filter page it matches, so its
/// card is rendered once per page depth and reused; the key is all the card shows.
@Suite("Record cards")
struct RecordCardTests {
    static let templates = try! TemplateSet.load(from: FixtureSite.packageRoot + "/templates").get()

    func context(_ path: String, _ cache: FragmentCache) -> PageContext {
        PageContext(
            catalog: ShippedSite.catalog, config: SiteConfig(baseURL: "https://combos.example/"), path: SitePath(path),
            source: "test", templates: Self.templates, fragments: cache)
    }

    func item(_ context: inout PageContext, summary: String, tags: [String] = ["Linux"]) -> IndexItem {
        IndexItem(
            link: context.link("Quad 3090", to: SitePath("/hardware-combos/quad-3090/")), summary: summary,
            figures: ["96 GB"], tags: tags, data: [DataAttribute(name: "budget", value: "under-5000")])
    }

    @Test("a card is rendered once per page depth and reused by every list; a card that shows anything else is rendered anew")
    func reusedUntilItChanges() throws {
        let cache = FragmentCache(evictingAfterUse: true)
        var list = context("/hardware-combos/difficulty/advanced/", cache)
        let card = item(&list, summary: "Four cards.")
        let first = IndexItem.cards([card], &list)
        #expect(first.count == 1 && first[0].html.contains("Four cards.") && first[0].html.contains("href=\"../../../hardware-combos/quad-3090/index.html\""))
        #expect(cache.count == 1)
        var other = context("/hardware-combos/platform/linux/", cache)
        #expect(IndexItem.cards([item(&other, summary: "Four cards.")], &other) == first)
        #expect(cache.count == 1, "the same card at the same depth is reused")
        let changed = IndexItem.cards([item(&other, summary: "Four cards, now water-cooled.")], &other)
        #expect(changed[0].html.contains("water-cooled") && cache.count == 2)
        // Content may hold any character: two tags are not one tag with a separator in it.
        let joined = IndexItem.cards([item(&other, summary: "Four cards.", tags: ["a\u{1F}b"])], &other)
        let split = IndexItem.cards([item(&other, summary: "Four cards.", tags: ["a", "b"])], &other)
        #expect(joined != split && cache.count == 4)
        var shallow = context("/hardware-combos/", cache)
        let top = IndexItem.cards([item(&shallow, summary: "Four cards.")], &shallow)
        #expect(top[0].html.contains("href=\"../hardware-combos/quad-3090/index.html\"") && cache.count == 5, "another depth has its own links")
    }
}
