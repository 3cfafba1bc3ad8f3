import Catalog

/// `/404.html`: what a static host serves for a path that does not exist. The host serves it
/// at the missing path's depth (`/hardware-combos/gone/` shows this file), so relative links
/// like the other pages' would resolve against a folder that is not there. Its links are
/// therefore absolute URLs under the base URL (`PageContext.absoluteLinks`), which work from any
/// depth and under a base URL with a path; the link checker checks them as the site's own.
struct NotFoundPage: Sendable {
    let meta: PageMeta
    let title: String
    let home: LinkView
    let sections: [LinkView]

    init(context: inout PageContext) {
        context.absoluteLinks = true
        title = "Page not found"
        meta = context.meta(
            title: title, description: "There is no page at this address. The catalog's sections are listed here.",
            breadcrumbs: [(title, nil)])
        home = context.link("Home page", to: Route.home)
        var sections = PageMeta.sections.map { label, kind in context.link(IndexPage.title(kind), to: Route.index(of: kind)) }
        sections += [
            context.link("Runtime compatibility", to: Route.compatibility),
            context.link(IndexPage.title(.benchmark), to: Route.index(of: .benchmark)),
            context.link("Will it run? The builder", to: Route.builder),
            context.link("How the estimates are made", to: Route.methodology),
        ]
        self.sections = sections
    }
}
