/// Lists of records inside a record page (the combos that use a device, a runtime's verdicts)
/// stop at `inline` entries and say how many more there are and where to find them all.
enum ListLimit {
    static let inline = 50
    /// Benchmark requests are one line each and every combo makes a few.
    static let requests = 200

    static func cap<Items: Collection>(_ items: Items) -> (shown: [Items.Element], hidden: Int) {
        (Array(items.prefix(inline)), max(0, items.count - inline))
    }
}

/// "1,234 more: see them all in the combo index." under a capped list (`partials/more`).
struct MoreView: Sendable {
    let text: String
    let link: LinkView

    init?(hidden: Int, noun: String, link: LinkView) {
        guard hidden > 0 else { return nil }
        text = "And \(Format.grouped(hidden)) more \(noun)."
        self.link = link
    }
}
