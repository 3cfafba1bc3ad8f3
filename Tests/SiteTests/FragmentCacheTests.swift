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
