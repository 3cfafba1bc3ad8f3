import Catalog

/// `/<section>/`: every record of one kind, with its one-line summary and key figures.
struct IndexPage: Sendable {
    let meta: PageMeta
    let title: String
    let intro: String
    let items: [IndexItem]

    init(kind: RecordKind, context: inout PageContext) {
        let catalog = context.catalog
        title = Self.title(kind)
        intro = Self.intro(kind)
        meta = context.meta(title: title, description: intro, breadcrumbs: [(title, nil)])
        var items: [IndexItem] = []
        switch kind {
        case .combo:
            items = catalog.combos.all.sorted { $0.title < $1.title }.map { IndexItem.combo($0, &context) }
        case .device:
            items = catalog.devices.map { device in
                IndexItem(link: context.link(device.name, to: Route.device(device.id)), summary: device.summary,
                          figures: [Format.gigabytes(device.memoryGB), Format.bandwidth(device.bandwidthGBs)]
                            + (device.powerW.map { [Format.watts($0)] } ?? []), tags: [device.vendor.label, device.kind.label])
            }
        case .machine:
            items = catalog.machines.map { machine in
                IndexItem(link: context.link(machine.name, to: Route.machine(machine.id)), summary: machine.summary,
                          figures: ["\(Format.gigabytes(machine.hostRAMGB)) RAM", Format.watts(machine.powerW)]
                            + (machine.price.map { [Format.dollars($0.usd)] } ?? []), tags: [machine.formFactor.label])
            }
        case .platform:
            items = catalog.platforms.map { platform in
                IndexItem(link: context.link(platform.name, to: Route.platform(platform.id)), summary: platform.summary,
                          figures: [], tags: [platform.family.label])
            }
        case .runtime:
            items = catalog.runtimes.map { runtime in
                IndexItem(link: context.link(runtime.name, to: Route.runtime(runtime.id)), summary: runtime.summary,
                          figures: [], tags: runtime.platforms.map(\.label) + (runtime.multiHost.supported ? ["Multi-host"] : []))
            }
        case .model:
            items = catalog.models.map { model in
                IndexItem(link: context.link(model.name, to: Route.model(model.id)), summary: model.summary,
                          figures: ["\(Format.number(model.paramsB, decimals: 1))B parameters"]
                            + (model.activeParamsB.map { ["\(Format.number($0, decimals: 1))B active"] } ?? []),
                          tags: [model.developer])
            }
        case .stack:
            items = catalog.stacks.map { stack in
                IndexItem(link: context.link(stack.title, to: Route.stack(stack.id)), summary: stack.summary, figures: [], tags: [])
            }
        case .benchmark:
            items = catalog.benchmarks.map { benchmark in
                let model = catalog[benchmark.model.id]?.name ?? benchmark.model.id.raw
                let runtime = catalog[benchmark.runtime.id]?.name ?? benchmark.runtime.id.raw
                let figures = [benchmark.decodeTPS.map { "\(Format.number($0, decimals: 1)) tokens/s decode" },
                               benchmark.prefillTPS.map { "\(Format.number($0, decimals: 0)) tokens/s prefill" }].compactMap { $0 }
                return IndexItem(link: LinkView(label: "\(model) \(benchmark.quant) on \(runtime)", href: benchmark.source.url),
                                 summary: benchmark.notes, figures: figures, tags: [benchmark.source.title])
            }
        case .guide:
            items = catalog.guides.all.sorted { ($0.published ?? Day("1970-01-01")!) > ($1.published ?? Day("1970-01-01")!) }.map { guide in
                IndexItem(link: context.link(guide.title, to: Route.guide(guide.id)), summary: guide.summary,
                          figures: guide.published.map { [$0.longForm] } ?? [], tags: [])
            }
        }
        self.items = items
    }

    static func title(_ kind: RecordKind) -> String {
        switch kind {
        case .combo: "Hardware combinations"
        case .device: "Hardware"
        case .machine: "Machines"
        case .platform: "Platforms"
        case .runtime: "Tools"
        case .model: "Models"
        case .stack: "Stacks"
        case .guide: "Guides"
        case .benchmark: "Benchmarks"
        }
    }

    static func intro(_ kind: RecordKind) -> String {
        switch kind {
        case .combo: "Complete builds that run local models, from one card to clusters of machines, with how each is wired and what it runs."
        case .device: "Accelerators and unified-memory chips, each at one memory size, with the figures that decide what fits and how fast."
        case .machine: "Computers as bought or built: the devices inside, system memory, ports for linking, power and price."
        case .platform: "Operating systems and the rules that decide how much memory a model may use on them."
        case .runtime: "Inference runtimes, with what they run on, how they split a model, and an operational review."
        case .model: "Open-weight models with the architecture facts that set their memory and speed, and the quantizations people run."
        case .stack: "Hardware and software layered into something you can use, with the role each part plays."
        case .guide: "Long-form guides to planning, building and running local AI hardware."
        case .benchmark: "Measured speeds from public sources, each with its configuration and where it was published."
        }
    }
}

struct IndexItem: Sendable {
    let link: LinkView
    let summary: String?
    let figures: [String]
    let tags: [String]

    static func combo(_ combo: Combo, _ context: inout PageContext) -> IndexItem {
        let totals = context.catalog.totals(of: combo)
        return IndexItem(
            link: context.link(combo.title, to: Route.combo(combo.id)),
            summary: combo.summary,
            figures: [ComboPage.memoryValue(totals), Format.watts(totals.powerW), ComboPage.cost(totals)],
            tags: ComboPage.tags(combo, totals))
    }
}
