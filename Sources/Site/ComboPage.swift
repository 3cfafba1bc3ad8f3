import Catalog
import Fit

/// The view model of `/hardware-combos/<id>/`: every section of a combo page, in page order.
struct ComboPage: Sendable {
    let meta: PageMeta
    /// Records that share devices, machines, runtimes or models with this one.
    let seeAlso: [LinkGroup]
    let title: String
    let summary: String
    /// "4 × 64 GB = 256 GB of unified memory across 4 machines."
    let memory: String
    let tags: [String]
    let reviewed: String?
    let facts: [Fact]
    /// The will-it-run page, and how many catalog model quants land in each tier.
    let willItRun: LinkView
    let fitCounts: String?
    /// The builder with this combo's configuration filled in.
    let builder: LinkView?
    let contents: [LinkView]
    let topology: TopologyView
    let recommendedRuntimes: [RuntimeCard]
    let splitStrategies: [StrategyView]
    let why: HTML
    let runtimeCompatibility: [CompatibilityRow]
    let comparison: ComparisonTable
    let setupNotes: [HTML]
    let bestModelClasses: [ModelClassView]
    let badAt: [HTML]
    let avoidIf: [HTML]
    let operations: [OperationView]
    let failureModes: [FailureModeView]
    let related: [LinkGroup]
    let benchmarkTargets: [BenchmarkTargetView]

    /// The sections, with the ids their headings carry. Body headings never take these ids.
    static let sections: [(id: String, title: String)] = [
        ("topology", "Topology"),
        ("recommended-runtimes", "Recommended runtimes"),
        ("split-strategies", "Supported split strategies"),
        ("why-this-combo", "Why this combo"),
        ("runtime-compatibility", "Runtime compatibility"),
        ("comparison", "Comparison vs alternatives"),
        ("setup-notes", "Setup notes"),
        ("best-model-classes", "Best model classes"),
        ("bad-at", "What it is bad at"),
        ("who-should-avoid-it", "Who should avoid it"),
        ("operations", "Operations"),
        ("failure-modes", "Failure modes"),
        ("related", "Related"),
        ("benchmark-opportunities", "Benchmark opportunities"),
    ]
}

struct TopologyView: Sendable {
    let shape: String
    let svg: HTML
    let components: [ComponentLine]
    let link: String?
    let linkNote: HTML?
}

struct ComponentLine: Sendable {
    let count: String
    let link: LinkView
    let detail: String
}

struct RuntimeCard: Sendable {
    let link: LinkView
    let summary: String
    let note: HTML?
}

struct StrategyView: Sendable {
    let label: String
    let definition: String
    let note: HTML
}

struct CompatibilityRow: Sendable {
    let link: LinkView
    let supported: Bool
    let status: String
    let note: HTML
}

struct ModelClassView: Sendable {
    let name: String
    let note: HTML
    let models: [LinkView]
}

struct OperationView: Sendable {
    let title: String
    let text: HTML
}

struct FailureModeView: Sendable {
    let symptom: String
    let cause: HTML
    let fix: HTML
}

struct LinkGroup: Sendable {
    let title: String
    let links: [LinkView]
}

struct BenchmarkTargetView: Sendable {
    let model: LinkView
    let quant: String
    let runtime: LinkView
    let context: String
    let why: HTML
}

extension ComboPage {
    init(combo: Combo, fits: SiteFits, related relatedRecords: RelatedRecords, context: inout PageContext) {
        seeAlso = relatedRecords.groups(for: .init(kind: .combo, id: combo.id.raw), excluding: RelatedRecords.nodes(of: combo.related).union(combo.alternatives.map { .init(kind: .combo, id: $0.id.raw) }), &context)
        let catalog = context.catalog
        let totals = catalog.totals(of: combo)
        let platform = catalog[combo.platform.id]

        meta = context.meta(
            title: combo.title, description: combo.summary,
            breadcrumbs: [("Hardware combinations", Route.index(of: .combo)), (combo.title, nil)])
        title = combo.title
        summary = combo.summary
        memory = Self.memorySentence(totals)
        tags = Self.tags(combo, totals)
        reviewed = combo.reviewed.map { "Reviewed \($0.longForm)" }
        var facts: [Fact] = [
            Fact("Total memory", Self.memoryValue(totals)),
            Fact("Machines", "\(totals.machineCount)"),
            Fact("Power (max)", Format.watts(totals.powerW)),
            Fact("Cost", Self.cost(totals)),
        ]
        if let platform {
            facts.append(Fact("Platform", platform.name, href: context.href(Route.platform(platform.id))))
        }
        self.facts = facts
        willItRun = context.link("Which models will run on it", to: Route.willItRun(combo.id))
        builder = BuilderQuery(combo: combo, catalog: catalog).map {
            LinkView(label: "Open in builder", href: context.href(Route.builder) + "?" + $0.text)
        }
        if let fit = fits.combos[combo.id] {
            // Counted in place, by index: filtering (or reducing) copied every answer, three times a page.
            var counts: [Verdict: Int] = [:]
            for index in fit.answers.indices { counts[fit.answers[index].result.verdict, default: 0] += 1 }
            let count = { (verdict: Verdict) in counts[verdict] ?? 0 }
            fitCounts = "of the catalog's \(fit.answers.count) model quantizations that its runtimes load, \(count(.fits)) fit comfortably, \(count(.tight)) are borderline and \(count(.noFit)) will not fit (estimated at \(Format.contextShort(SiteFits.context)) context)."
        } else {
            fitCounts = nil
        }
        contents = Self.sections.map { LinkView(label: $0.title, href: "#" + $0.id) }

        topology = Self.topology(combo, totals, &context)

        recommendedRuntimes = combo.recommendedRuntimes.compactMap { reference in
            guard let runtime = catalog[reference.id] else { return nil }
            let note = combo.verdict(for: runtime.id)?.note
            return RuntimeCard(
                link: context.link(runtime.name, to: Route.runtime(runtime.id), from: reference.location),
                summary: runtime.summary,
                note: note.map { context.inline($0) })
        }
        splitStrategies = combo.splitStrategies.map {
            StrategyView(label: $0.strategy.label, definition: $0.strategy.definition, note: context.inline($0.note))
        }
        why = context.markdown(combo.why, .init(headingOffset: 1, reservedIDs: Set(Self.sections.map(\.id)).union(["see-also"])))
        runtimeCompatibility = combo.runtimeCompatibility.compactMap { verdict in
            guard let runtime = catalog[verdict.runtime.id] else { return nil }
            return CompatibilityRow(
                link: context.link(runtime.name, to: Route.runtime(runtime.id), from: verdict.runtime.location),
                supported: verdict.supported,
                status: verdict.supported ? "Supported" : "Not supported",
                note: context.inline(verdict.note))
        }
        comparison = ComparisonTable(combo: combo, fits: fits, context: &context)
        setupNotes = combo.setupNotes.map { context.inline($0) }
        bestModelClasses = combo.bestModelClasses.map { modelClass in
            ModelClassView(
                name: modelClass.name,
                note: context.inline(modelClass.note),
                models: modelClass.models.compactMap { reference in
                    catalog[reference.id].map { context.link($0.name, to: Route.model($0.id), from: reference.location) }
                })
        }
        badAt = combo.badAt.map { context.inline($0) }
        avoidIf = combo.avoidIf.map { context.inline($0) }
        operations = [
            OperationView(title: "Noise and thermals", text: context.inline(combo.operations.noiseAndThermals)),
            OperationView(title: "Reliability", text: context.inline(combo.operations.reliability)),
            OperationView(title: "Operating system", text: context.inline(combo.operations.os)),
        ]
        failureModes = combo.failureModes.map {
            FailureModeView(symptom: $0.symptom, cause: context.inline($0.cause), fix: context.inline($0.fix))
        }
        related = RelatedLinks.groups(combo.related, moreCombos: combo.alternatives, &context)
        benchmarkTargets = combo.benchmarkTargets.compactMap { target in
            guard let model = catalog[target.model.id], let runtime = catalog[target.runtime.id] else { return nil }
            return BenchmarkTargetView(
                model: context.link(model.name, to: Route.model(model.id), from: target.model.location),
                quant: target.quant,
                runtime: context.link(runtime.name, to: Route.runtime(runtime.id), from: target.runtime.location),
                context: Format.context(target.context),
                why: context.inline(target.why))
        }
    }

    static func memorySentence(_ totals: HardwareTotals) -> String {
        let perDevice = totals.devices.map { "\($0.count) × \(Format.gigabytes($0.device.memoryGB))" }
        let sum = Format.gigabytes(totals.acceleratorMemoryGB)
        let parts = totals.deviceCount > 1 ? "\(perDevice.joined(separator: " + ")) = \(sum)" : sum
        if totals.isUnifiedMemory {
            let machines = totals.machineCount > 1 ? " across \(totals.machineCount) machines" : ""
            return "\(parts) of unified memory\(machines)."
        }
        return "\(parts) of GPU memory, plus \(Format.gigabytes(totals.separateHostRAMGB)) of system RAM."
    }

    static func memoryValue(_ totals: HardwareTotals) -> String {
        totals.isUnifiedMemory
            ? "\(Format.gigabytes(totals.acceleratorMemoryGB)) unified"
            : "\(Format.gigabytes(totals.acceleratorMemoryGB)) VRAM + \(Format.gigabytes(totals.separateHostRAMGB)) RAM"
    }

    static func cost(_ totals: HardwareTotals) -> String {
        guard let price = totals.priceUSD, let years = totals.priceYears else { return "Not in the records" }
        return "\(Format.dollars(price)) (\(Format.years(years)) prices)"
    }

    /// Topology class, interconnect and difficulty, derived from the records so they cannot
    /// disagree with the nodes.
    static func tags(_ combo: Combo, _ totals: HardwareTotals) -> [String] {
        var tags: [String] = []
        if totals.machineCount > 1 {
            tags.append("Multi-node cluster")
        } else if totals.deviceCount > 1 {
            tags.append("Single-node multi-GPU")
        } else {
            tags.append("Single device")
        }
        if totals.isUnifiedMemory { tags.append("Unified memory") }
        if let link = combo.link {
            tags.append("\(link.interconnect.label) \(link.transport.label)")
        } else if totals.deviceCount > 1 {
            tags.append("In-box links")
        }
        tags.append(combo.difficulty.label)
        return tags
    }

    static func topology(_ combo: Combo, _ totals: HardwareTotals, _ context: inout PageContext) -> TopologyView {
        let catalog = context.catalog
        var components: [ComponentLine] = []
        for node in combo.nodes {
            guard let machine = catalog[node.machine.id] else { continue }
            components.append(ComponentLine(
                count: Format.count(node.count),
                link: context.link(machine.name, to: Route.machine(machine.id), from: node.machine.location),
                detail: "\(Format.gigabytes(machine.hostRAMGB)) RAM · \(Format.watts(machine.powerW))"))
            for slot in machine.devices {
                guard let device = catalog[slot.device.id] else { continue }
                components.append(ComponentLine(
                    count: Format.count(slot.count * node.count),
                    link: context.link(device.name, to: Route.device(device.id), from: slot.device.location),
                    detail: "\(Format.gigabytes(device.memoryGB)) \(device.memoryDescription) · \(Format.bandwidth(device.bandwidthGBs))"))
            }
        }
        let diagram = TopologyDiagram.make(for: combo, in: catalog)
        return TopologyView(
            shape: combo.topology.label,
            svg: diagram?.svg() ?? HTML(escaping: ""),
            components: components,
            link: combo.link.map { "\($0.interconnect.label), \($0.transport.label), \(Format.number($0.gbitPerSecond)) Gb/s per link" },
            linkNote: combo.link?.note.map { context.inline($0) })
    }
}
