import Testing
@testable import Site

/// What a build keeps of each page's ids until every link is checked.
@Suite("Page ids")
struct PageIDsTests {
    /// Where a string's bytes lie: the same address means one copy shared.
    func address(_ text: String) -> UnsafeRawPointer? {
        var text = text
        return text.withUTF8 { UnsafeRawPointer($0.baseAddress) }
    }

    @Test("pages with the same ids share one copy of them; other ids are kept apart")
    func poolShares() {
        let pool = PageIDs.Pool()
        let ids = (0..<200).map { "model-\($0)-q4-k-m" }
        let first = pool.shared(PageIDs(ids))
        let second = pool.shared(PageIDs(ids.reversed()))
        let other = pool.shared(PageIDs(ids.dropLast()))
        #expect(first == second)
        #expect(first.text == ids.sorted().joined(separator: " "))
        #expect(address(first.text) == address(second.text))
        #expect(other != first)
        #expect(address(other.text) != address(first.text))
        #expect(pool.count == 2)
        #expect(Set(second.text.split(separator: " ").map(String.init)) == Set(ids))
    }

    @Test("ids are kept in the order of String's comparison, with or without characters past ASCII")
    func order() {
        let ascii = ["b", "a-2", "a", "A", "a-10", "_x", "0", "ab"]
        #expect(PageIDs(ascii).text == ascii.sorted().joined(separator: " "))
        #expect(PageIDs(ascii).text == "0 A _x a a-10 a-2 ab b")
        // Precomposed and decomposed é compare equal as Strings and sort by scalar otherwise:
        // the bytes alone would not say so, so such pages take String's order.
        let accented = ["caf\u{E9}-2", "cafe", "caf\u{65}\u{301}", "z", "\u{C5}ngstr\u{F6}m", "e\u{301}x", "\u{E9}a"]
        #expect(PageIDs(accented).text == accented.sorted().joined(separator: " "))
        // "éa" before "éx" as text; by bytes the decomposed one would come first.
        #expect(PageIDs(["e\u{301}x", "\u{E9}a"]).text == "\u{E9}a e\u{301}x")
        #expect(PageIDs([String]()).text == "")
    }

    @Test("the pool keeps one copy when pages of one configuration are read on every core")
    func poolInParallel() {
        let pool = PageIDs.Pool()
        let pages = (0..<400).map { page in PageIDs((0..<50).map { "c\(page % 7)-id-\($0)" }) }
        let kept = Parallel.map(pages) { pool.shared($0) }
        #expect(kept == pages)
        #expect(pool.count == 7)
        #expect(Set(kept.map { address($0.text) }).count == 7)
    }
}
