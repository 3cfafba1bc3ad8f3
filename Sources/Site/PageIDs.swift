import Foundation

/// A page's element ids, kept between rendering a page and checking links to it, and in the
/// build manifest: sorted and space-separated in one string (ids hold no spaces). Ten thousand
/// will-it-run pages carry nearly two million ids; as a set of strings each they were most of
/// what a build held while rendering.
struct PageIDs: Sendable, Equatable {
    let text: String

    init(_ ids: some Collection<String>) {
        text = ids.sorted().joined(separator: " ")
    }

    /// As the manifest writes them.
    init(text: some StringProtocol) {
        self.text = String(text)
    }

    /// The same text, its storage shared.
    fileprivate init(sharing text: String) {
        self.text = text
    }

    /// For looking up many ids on one page.
    var set: Set<Substring> { Set(text.split(separator: " ")) }
}

extension PageIDs {
    /// One copy of each distinct set of ids, shared by every page that has it: will-it-run pages
    /// of combos with the same configuration carry the same ids (ten thousand combos, about two
    /// thousand configurations), and a copy per page was about 60 MB held until the links were
    /// checked. Thread-safe; pages are rendered in parallel.
    final class Pool: @unchecked Sendable {
        private var texts: Set<String> = []
        private let lock = NSLock()

        init() {}

        /// `ids`, or the same ids already in the pool, whose text is then shared.
        func shared(_ ids: PageIDs) -> PageIDs {
            lock.withLock {
                if let index = texts.firstIndex(of: ids.text) { return PageIDs(sharing: texts[index]) }
                texts.insert(ids.text)
                return ids
            }
        }

        /// How many distinct sets it holds.
        var count: Int { lock.withLock { texts.count } }
    }
}
