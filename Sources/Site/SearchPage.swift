import Catalog

/// `/search/`: a form over the build-time index, answered in the browser as the reader types
/// (`search.js`), from a server or straight from the file system. Without JavaScript it points
/// to the section indexes.
struct SearchPage: Sendable {
    let meta: PageMeta
    let title: String
    let intro: String
    let indexHref: String
    let scriptHref: String
    let sections: [LinkView]

    init(context: inout PageContext) {
        title = "Search"
        intro = "Every combo, device, machine, model, tool, platform, stack, guide and benchmark by name, summary and key figures."
        meta = context.meta(title: title, description: intro, breadcrumbs: [(title, nil)])
        indexHref = context.href(Route.searchIndex)
        scriptHref = context.href(Route.asset("search.js"))
        var sections: [LinkView] = []
        for kind in RecordKind.allCases {
            sections.append(context.link(IndexPage.title(kind), to: Route.index(of: kind)))
        }
        self.sections = sections
    }
}
