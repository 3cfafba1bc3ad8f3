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

    /// For looking up many ids on one page.
    var set: Set<Substring> { Set(text.split(separator: " ")) }
}
