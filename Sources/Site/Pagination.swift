import Catalog

/// Long card lists (the combo index and its filter pages) split into pages of `perPage` cards:
/// `/hardware-combos/` is page 1, `/hardware-combos/page/2/` page 2. At ten thousand combos one
/// page of every card would be megabytes; a catalog the size of the shipped one has one page.
struct Pagination: Sendable, Equatable {
    static let perPage = 100
    /// The folder under a list's own path that holds its later pages.
    static let folder = "page"

    /// 1-based.
    let number: Int
    let count: Int
    let base: SitePath

    static func pages(for total: Int) -> Int { max(1, (total + perPage - 1) / perPage) }

    /// Every page of a list of `total` cards.
    static func all(_ base: SitePath, total: Int) -> [Pagination] {
        let count = pages(for: total)
        return (1...count).map { Pagination(number: $0, count: count, base: base) }
    }

    static func path(_ base: SitePath, page: Int) -> SitePath {
        page == 1 ? base : SitePath(base.raw + "\(folder)/\(page)/")
    }

    var path: SitePath { Self.path(base, page: number) }

    func slice<T>(_ items: [T]) -> ArraySlice<T> {
        let start = min(items.count, (number - 1) * Self.perPage)
        return items[start..<min(items.count, start + Self.perPage)]
    }

    /// Links to the other pages: previous, next, the first and last, and two either side.
    func view(_ context: inout PageContext) -> PagerView? {
        guard count > 1 else { return nil }
        var pages: [PagerView.PageLink] = []
        var last = 0
        for page in 1...count where page == 1 || page == count || abs(page - number) <= 2 {
            if page > last + 1 { pages.append(.init(number: "…", link: nil, current: false)) }
            pages.append(.init(
                number: "\(page)", link: page == number ? nil : context.link("\(page)", to: Self.path(base, page: page)),
                current: page == number))
            last = page
        }
        return PagerView(
            label: "Page \(number) of \(count)",
            previous: number > 1 ? context.link("Previous", to: Self.path(base, page: number - 1)) : nil,
            next: number < count ? context.link("Next", to: Self.path(base, page: number + 1)) : nil,
            pages: pages)
    }
}

/// The links between the pages of a list (`partials/pager`).
struct PagerView: Sendable {
    let label: String
    let previous: LinkView?
    let next: LinkView?
    let pages: [PageLink]

    struct PageLink: Sendable {
        let number: String
        /// Absent for the current page and for a gap.
        let link: LinkView?
        let current: Bool
    }
}
