import Catalog

/// `/stacks/<id>/`: the numbered layers of a stack, each with its role, then the write-up.
struct StackPage: Sendable {
    let meta: PageMeta
    /// Records that share devices, machines, runtimes or models with this one.
    let seeAlso: [LinkGroup]
    let title: String
    let summary: String
    let reviewed: String?
    let components: [Component]
    let body: HTML
    let related: [LinkGroup]

    struct Component: Sendable {
        let number: String
        let role: String
        let link: LinkView?
        let name: String
        let note: HTML
    }

    init(stack: Stack, related relatedRecords: RelatedRecords, context: inout PageContext) {
        seeAlso = relatedRecords.groups(for: .init(kind: .stack, id: stack.id.raw), excluding: RelatedRecords.nodes(of: stack.related), &context)
        let catalog = context.catalog
        meta = context.meta(
            title: stack.title, description: stack.summary,
            breadcrumbs: [("Stacks", Route.index(of: .stack)), (stack.title, nil)])
        title = stack.title
        summary = stack.summary
        reviewed = stack.reviewed.map { "Reviewed \($0.longForm)" }
        var components: [Component] = []
        for (index, component) in stack.components.enumerated() {
            let link: LinkView?
            let name: String
            switch component.target {
            case .combo(let ref):
                name = catalog[ref.id]?.title ?? ref.id.raw
                link = context.link(name, to: Route.combo(ref.id), from: ref.location)
            case .machine(let ref):
                name = catalog[ref.id]?.name ?? ref.id.raw
                link = context.link(name, to: Route.machine(ref.id), from: ref.location)
            case .device(let ref):
                name = catalog[ref.id]?.name ?? ref.id.raw
                link = context.link(name, to: Route.device(ref.id), from: ref.location)
            case .runtime(let ref):
                name = catalog[ref.id]?.name ?? ref.id.raw
                link = context.link(name, to: Route.runtime(ref.id), from: ref.location)
            case .model(let ref):
                name = catalog[ref.id]?.name ?? ref.id.raw
                link = context.link(name, to: Route.model(ref.id), from: ref.location)
            case .external(let externalName, let url):
                name = externalName
                link = url.map { LinkView(label: externalName, href: $0) }
            }
            components.append(Component(
                number: index + 1 < 10 ? "0\(index + 1)" : "\(index + 1)",
                role: component.role, link: link, name: name, note: context.inline(component.note)))
        }
        self.components = components
        body = context.markdown(stack.body, .init(reservedIDs: ["components", "related", "see-also"]))
        related = RelatedLinks.groups(stack.related, &context)
    }
}

extension RelatedLinks {
    /// A related block as titled groups of links. `moreCombos` (a combo's alternatives) join
    /// the related combos; each combo is listed once.
    static func groups(_ related: RelatedLinks, moreCombos: [Reference<Combo>] = [], _ context: inout PageContext) -> [LinkGroup] {
        let catalog = context.catalog
        var groups: [LinkGroup] = []
        var seen: Set<RecordID<Combo>> = []
        let combos = (related.combos + moreCombos).compactMap { ref -> LinkView? in
            guard seen.insert(ref.id).inserted else { return nil }
            return catalog[ref.id].map { context.link($0.title, to: Route.combo($0.id), from: ref.location) }
        }
        let stacks = related.stacks.compactMap { ref in catalog[ref.id].map { context.link($0.title, to: Route.stack($0.id), from: ref.location) } }
        let guides = related.guides.compactMap { ref in catalog[ref.id].map { context.link($0.title, to: Route.guide($0.id), from: ref.location) } }
        let tools = related.tools.compactMap { ref in catalog[ref.id].map { context.link($0.name, to: Route.runtime($0.id), from: ref.location) } }
        if !combos.isEmpty { groups.append(LinkGroup(title: "Combos", links: combos)) }
        if !stacks.isEmpty { groups.append(LinkGroup(title: "Stacks", links: stacks)) }
        if !guides.isEmpty { groups.append(LinkGroup(title: "Guides", links: guides)) }
        if !tools.isEmpty { groups.append(LinkGroup(title: "Tools", links: tools)) }
        return groups
    }
}
