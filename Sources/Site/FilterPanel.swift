import Catalog

/// The combo filters as links: each value goes to its own page of matching combos, so they work
/// without JavaScript; on the index, `combo-filter.js` turns them into toggles that combine.
struct FilterPanel: Sendable {
    let groups: [Group]
    /// "29 combos", replaced by the script with "Showing 4 of 29 combos".
    let total: String
    /// The combo index, to clear every filter.
    let clear: LinkView
    /// The script that makes the links combine, on the index.
    let scriptHref: String

    struct Group: Sendable {
        let facet: String
        let label: String
        let links: [FilterLink]
    }

    struct FilterLink: Sendable {
        let label: String
        let href: String
        let facet: String
        let value: String
        /// How many combos have this value, as shown ("1,381").
        let count: String
        let isCurrent: Bool
    }

    init(facets: ComboFacets, current: ComboFacets.Selection?, total: Int, _ context: inout PageContext) {
        let chosen = Set(current?.values ?? [])
        groups = facets.groups.map { facet, values in
            Group(facet: facet.rawValue, label: facet.label, links: values.map { value in
                FilterLink(
                    label: value.label, href: context.href(value.path), facet: facet.rawValue, value: value.slug,
                    count: Format.grouped(facets.combos(matching: ComboFacets.Selection([value])).count), isCurrent: chosen.contains(value))
            })
        }
        self.total = "\(Format.grouped(total)) \(total == 1 ? "combo" : "combos")"
        clear = context.link("All combos", to: Route.index(of: .combo))
        scriptHref = context.href(Route.asset("combo-filter.js"))
    }
}
