import Foundation

/// A page's element ids, kept between rendering a page and checking links to it, and in the
/// build manifest: sorted and space-separated in one string (ids hold no spaces). Ten thousand
/// will-it-run pages carry nearly two million ids; as a set of strings each they were most of
/// what a build held while rendering.
struct PageIDs: Sendable, Equatable {
    let text: String

    init(_ ids: some Collection<String>) {
        // ASCII ids (nearly all are) sorted by their bytes, which orders them as `String`'s
        // `<` does and at a fraction of its cost: a will-it-run page has some two hundred ids.
        var bytes = ids.map { Array($0.utf8) }
        if bytes.allSatisfy({ $0.allSatisfy { $0 < 0x80 } }) {
            bytes.sort { $0.lexicographicallyPrecedes($1) }
            var joined: [UInt8] = []
            joined.reserveCapacity(bytes.reduce(0) { $0 + $1.count + 1 })
            for (index, id) in bytes.enumerated() {
                if index > 0 { joined.append(UInt8(ascii: " ")) }
                joined.append(contentsOf: id)
            }
            text = String(decoding: joined, as: UTF8.self)
        } else {
            text = ids.sorted().joined(separator: " ")
        }
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
        private var texts: Set<PrehashedKey> = []
        private let lock = NSLock()

        init() {}

        /// `ids`, or the same ids already in the pool, whose text is then shared.
        func shared(_ ids: PageIDs) -> PageIDs {
            // Hashed before the lock is taken: a will-it-run page's ids are kilobytes of text.
            let key = PrehashedKey(ids.text)
            return lock.withLock {
                if let index = texts.firstIndex(of: key) { return PageIDs(sharing: texts[index].text) }
                texts.insert(key)
                return ids
            }
        }

        /// How many distinct sets it holds.
        var count: Int { lock.withLock { texts.count } }
    }
}
