/// A hardware combination that runs local models (`content/combos/<id>.md`): its nodes and how
/// they are wired, the platform, which runtimes work, and the editorial sections of its page.
/// The Markdown body is the "Why this combo" section.
public struct Combo: Record {
    public static let kind = RecordKind.combo

    public static let schema = Schema("combo", [
        .required("title", .text, "Page title: \"4x Mac mini M4 Pro exo cluster\"."),
        .required("summary", .text, "One paragraph a buyer reads first. The total memory is added by the page. Cards on the lists show its first sentence: up to the first full stop followed by a capital, a name written in lowercase (llama.cpp, vLLM) or a figure with a unit (70B), not one after e.g., i.e., vs, approx, etc, Dr or No."),
        .required("difficulty", .choice(Difficulty.vocabulary), "How hard it is to build and run."),
        .required("reviewed", .date, "When an editor last checked the page against its records."),
        .required("platform", .reference(.platform), "The OS it runs."),
        .required("topology", .choice(TopologyShape.vocabulary),
                  "single-box for one machine; ring, full-mesh or star for several."),
        .required("nodes", .list(.record(ComboNode.schema), minCount: 1), "The machines, with counts."),
        .optional("link", .record(ComboLink.schema), "The link between machines (required for more than one)."),
        .required("recommended_runtimes", .list(.reference(.runtime), minCount: 1),
                  "The runtimes to start with, best first."),
        .required("runtime_compatibility", .list(.record(RuntimeVerdict.schema), minCount: 1),
                  "Runtimes that work or do not, each with a one-line note."),
        .required("split_strategies", .list(.record(StrategyNote.schema), minCount: 1),
                  "How models can be split on this combo, each with a one-line note."),
        .required("alternatives", .list(.reference(.combo), minCount: 1),
                  "Combos to compare it with; they form the comparison table."),
        .optional("reference_model", .reference(.model),
                  "The model the comparison table estimates speed on, at 4-bit, for this combo and each alternative."),
        .required("setup_notes", .list(.markdown, minCount: 1), "Setup steps and gotchas, one per entry."),
        .required("best_model_classes", .list(.record(ModelClass.schema), minCount: 1),
                  "The kinds of model it runs best, naming example models."),
        .required("bad_at", .list(.markdown, minCount: 1), "What it is bad at."),
        .required("avoid_if", .list(.markdown, minCount: 1), "Who should avoid it."),
        .required("operations", .record(Operations.schema), "Living with it: noise, reliability, OS upkeep."),
        .required("failure_modes", .list(.record(FailureMode.schema), minCount: 1), "What goes wrong and the fix."),
        .optional("related", .record(RelatedLinks.schema), "Related combos, stacks, guides and tools."),
        .required("benchmark_targets", .list(.record(BenchmarkTarget.schema), minCount: 1),
                  "Measurements this combo still needs."),
    ])

    public let id: RecordID<Combo>
    public let path: String
    /// The fields, read through the properties below. Held in one shared object that never
    /// changes: a combo is handed around whole (iterated, filtered, looked up, captured) by the
    /// rules, the fit answers and the pages, and each copy of two dozen fields counted dozens of
    /// references up and down again (at ten thousand combos, a tenth of a preview rebuild's
    /// work). A copy counts three: the id, the path and this object.
    @usableFromInline let values: Values

    @usableFromInline final class Values: Sendable {
        let title: String
        let summary: String
        let difficulty: Difficulty
        let reviewed: Day?
        let platform: Reference<Platform>
        let topology: TopologyShape
        let nodes: [ComboNode]
        let link: ComboLink?
        let recommendedRuntimes: [Reference<Runtime>]
        @usableFromInline let runtimeCompatibility: [RuntimeVerdict]
        let splitStrategies: [StrategyNote]
        let alternatives: [Reference<Combo>]
        let referenceModel: Reference<Model>?
        let setupNotes: [MarkdownText]
        let bestModelClasses: [ModelClass]
        let badAt: [MarkdownText]
        let avoidIf: [MarkdownText]
        let operations: Operations
        let failureModes: [FailureMode]
        let related: RelatedLinks
        let benchmarkTargets: [BenchmarkTarget]
        let why: MarkdownText
        let locations: [String: SourceLocation]
        /// The records it names (`ReferencesOtherRecords`), gathered once: the rules, the "See
        /// also" ranking and the page plan each ask for every combo's on every preview rebuild.
        let references: [AnyReference]

        init(id: RecordID<Combo>, _ fields: Fields, body: MarkdownText?) {
            title = fields.text("title") ?? id.raw
            summary = fields.text("summary") ?? ""
            difficulty = fields.choice("difficulty") ?? .intermediate
            reviewed = fields.date("reviewed")
            platform = fields.reference("platform") ?? Reference(RecordID(""), at: fields.location)
            topology = fields.choice("topology") ?? .singleBox
            nodes = fields.records("nodes").map(ComboNode.init)
            link = fields.record("link").map(ComboLink.init)
            recommendedRuntimes = fields.references("recommended_runtimes")
            runtimeCompatibility = fields.records("runtime_compatibility").map(RuntimeVerdict.init)
            splitStrategies = fields.records("split_strategies").map(StrategyNote.init)
            alternatives = fields.references("alternatives")
            referenceModel = fields.reference("reference_model")
            setupNotes = fields.markdowns("setup_notes")
            bestModelClasses = fields.records("best_model_classes").map(ModelClass.init)
            badAt = fields.markdowns("bad_at")
            avoidIf = fields.markdowns("avoid_if")
            operations = Operations(fields.record("operations"))
            failureModes = fields.records("failure_modes").map(FailureMode.init)
            related = RelatedLinks(fields.record("related"))
            benchmarkTargets = fields.records("benchmark_targets").map(BenchmarkTarget.init)
            why = body ?? MarkdownText("", at: fields.location)
            var locations: [String: SourceLocation] = [:]
            for spec in Combo.schema.fields { locations[spec.name] = fields.keyLocation(spec.name) }
            self.locations = locations
            var references = [AnyReference(platform)]
            references += nodes.map { AnyReference($0.machine) }
            references += recommendedRuntimes.map(AnyReference.init)
            references += runtimeCompatibility.map { AnyReference($0.runtime) }
            references += alternatives.map(AnyReference.init)
            if let referenceModel { references.append(AnyReference(referenceModel)) }
            references += bestModelClasses.flatMap { $0.models.map(AnyReference.init) }
            references += related.references
            references += benchmarkTargets.flatMap { [AnyReference($0.model), AnyReference($0.runtime)] }
            self.references = references
        }
    }

    public var title: String { values.title }
    public var summary: String { values.summary }
    public var difficulty: Difficulty { values.difficulty }
    public var reviewed: Day? { values.reviewed }
    public var platform: Reference<Platform> { values.platform }
    public var topology: TopologyShape { values.topology }
    public var nodes: [ComboNode] { values.nodes }
    public var link: ComboLink? { values.link }
    public var recommendedRuntimes: [Reference<Runtime>] { values.recommendedRuntimes }
    public var runtimeCompatibility: [RuntimeVerdict] { values.runtimeCompatibility }
    public var splitStrategies: [StrategyNote] { values.splitStrategies }
    public var alternatives: [Reference<Combo>] { values.alternatives }
    public var referenceModel: Reference<Model>? { values.referenceModel }
    public var setupNotes: [MarkdownText] { values.setupNotes }
    public var bestModelClasses: [ModelClass] { values.bestModelClasses }
    public var badAt: [MarkdownText] { values.badAt }
    public var avoidIf: [MarkdownText] { values.avoidIf }
    public var operations: Operations { values.operations }
    public var failureModes: [FailureMode] { values.failureModes }
    public var related: RelatedLinks { values.related }
    public var benchmarkTargets: [BenchmarkTarget] { values.benchmarkTargets }
    /// "Why this combo", in the editor's words.
    public var why: MarkdownText { values.why }
    /// Where fields were written, for rules that span records.
    public var locations: [String: SourceLocation] { values.locations }

    public init(id: RecordID<Combo>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems) {
        self.id = id
        self.path = path
        values = Values(id: id, fields, body: body)

        if !problems.hasErrors { checkShape(fields, &problems) }
    }

    /// The checks that need only this file: the topology agrees with the node count, and no
    /// runtime or strategy is listed twice.
    private func checkShape(_ fields: Fields, _ problems: inout Problems) {
        guard fields.has("nodes"), fields.has("topology") else { return }
        let machines = nodeCount
        if topology == .singleBox, machines > 1 {
            problems.error(
                "topology \"single-box\" needs exactly one machine, but \"nodes\" has \(machines); use ring, full-mesh or star",
                at: fields.valueLocation("topology"), span: topology.rawValue.count)
        }
        if topology != .singleBox, machines < 2 {
            problems.error(
                "topology \"\(topology.rawValue)\" needs at least two machines, but \"nodes\" has \(machines)",
                at: fields.valueLocation("topology"), span: topology.rawValue.count)
        }
        if topology != .singleBox, link == nil {
            problems.error("a combo of several machines needs a \"link\" block describing how they connect",
                           at: fields.keyLocation("nodes"), span: "nodes".count)
        }
        if topology == .singleBox, link != nil {
            problems.error("a single-box combo has no \"link\" between machines; describe its internal links in the machine record",
                           at: fields.keyLocation("link"), span: "link".count)
        }
        reportDuplicates(runtimeCompatibility.map { ($0.runtime.id.raw, $0.runtime.location) }, "runtime_compatibility", &problems)
        reportDuplicates(splitStrategies.map { ($0.strategy.rawValue, $0.location) }, "split_strategies", &problems)
        reportDuplicates(alternatives.map { ($0.id.raw, $0.location) }, "alternatives", &problems)
        if let own = alternatives.first(where: { $0.id == id }) {
            problems.error("a combo cannot be its own alternative", at: own.location, span: id.raw.count)
        }
    }

    private func reportDuplicates(_ items: [(String, SourceLocation)], _ field: String, _ problems: inout Problems) {
        var seen: Set<String> = []
        for (name, location) in items where !seen.insert(name).inserted {
            problems.error("\"\(name)\" is listed twice in \"\(field)\"", at: location, span: name.count)
        }
    }

    /// How many machines, counting each node's count.
    public var nodeCount: Int { nodes.reduce(0) { $0 + $1.count } }

    /// Inlinable: pages ask it of every combo, and a call across modules copied the whole combo.
    @inlinable
    public func verdict(for runtime: RecordID<Runtime>) -> RuntimeVerdict? {
        runtimeCompatibility.first { $0.runtime.id == runtime }
    }
}

/// A group of identical machines in a combo.
public struct ComboNode: Sendable, Hashable {
    public var machine: Reference<Machine>
    public var count: Int
    /// What to call each machine on the diagram: "mini" gives "mini 1" to "mini 4".
    public var name: String?

    public static let schema = Schema("node", [
        .required("machine", .reference(.machine), "The machine id."),
        .optional("count", .integer(min: 1), "How many of it (default 1)."),
        .optional("name", .text, "Diagram label; numbered when count > 1."),
    ])

    init(_ fields: Fields) {
        machine = fields.reference("machine") ?? Reference(RecordID(""), at: fields.location)
        count = fields.integer("count") ?? 1
        name = fields.text("name")
    }
}

/// The link between the machines of a combo.
public struct ComboLink: Sendable, Hashable {
    public var interconnect: Interconnect
    public var transport: Transport
    public var gbitPerSecond: Double
    public var note: MarkdownText?
    public let location: SourceLocation
    public let transportLocation: SourceLocation

    public static let schema = Schema("link", [
        .required("interconnect", .choice(Interconnect.vocabulary), "thunderbolt-5, ethernet, infiniband..."),
        .required("transport", .choice(Transport.vocabulary), "rdma or tcp-ip."),
        .required("gbit_s", .number(unit: "Gb/s", range: .positive), "Line rate of one link in gigabits per second."),
        .optional("note", .markdown, "Cabling and setup details."),
    ])

    init(_ fields: Fields) {
        interconnect = fields.choice("interconnect") ?? .ethernet
        transport = fields.choice("transport") ?? .tcpIP
        gbitPerSecond = fields.number("gbit_s") ?? 0
        note = fields.markdown("note")
        location = fields.location
        transportLocation = fields.valueLocation("transport")
    }

    /// "TB5 RDMA · 80 Gb/s".
    public var shortLabel: String {
        "\(interconnect.shortLabel) \(transport.label) · \(format(gbitPerSecond)) Gb/s"
    }
}

/// Whether a runtime works on a combo, and the one-line reason.
public struct RuntimeVerdict: Sendable, Hashable {
    public var runtime: Reference<Runtime>
    public var supported: Bool
    public var note: MarkdownText

    public static let schema = Schema("runtime verdict", [
        .required("runtime", .reference(.runtime), "The runtime id."),
        .required("supported", .bool, "true if it runs models on this combo."),
        .required("note", .markdown, "One line: how well, or why not."),
    ])

    init(_ fields: Fields) {
        runtime = fields.reference("runtime") ?? Reference(RecordID(""), at: fields.location)
        supported = fields.bool("supported") ?? false
        note = fields.markdown("note") ?? MarkdownText("", at: fields.location)
    }
}

public struct StrategyNote: Sendable, Hashable {
    public var strategy: SplitStrategy
    public var note: MarkdownText
    public let location: SourceLocation

    public static let schema = Schema("split strategy entry", [
        .required("strategy", .choice(SplitStrategy.vocabulary), "The strategy."),
        .required("note", .markdown, "One line on how it behaves on this combo."),
    ])

    init(_ fields: Fields) {
        strategy = fields.choice("strategy") ?? .singleDevice
        note = fields.markdown("note") ?? MarkdownText("", at: fields.location)
        location = fields.valueLocation("strategy")
    }
}

public struct ModelClass: Sendable, Hashable {
    public var name: String
    public var note: MarkdownText
    public var models: [Reference<Model>]

    public static let schema = Schema("model class", [
        .required("name", .text, "\"Mixture-of-experts models up to ~250B\"."),
        .required("note", .markdown, "Why this class suits the combo."),
        .optional("models", .list(.reference(.model), minCount: 0), "Catalog models of this class."),
    ])

    init(_ fields: Fields) {
        name = fields.text("name") ?? ""
        note = fields.markdown("note") ?? MarkdownText("", at: fields.location)
        models = fields.references("models")
    }
}

public struct Operations: Sendable, Hashable {
    public var noiseAndThermals: MarkdownText
    public var reliability: MarkdownText
    public var os: MarkdownText

    public static let schema = Schema("operations block", [
        .required("noise_and_thermals", .markdown, "How loud and hot it runs."),
        .required("reliability", .markdown, "What fails over months of use."),
        .required("os", .markdown, "Keeping the operating system and drivers right."),
    ])

    init(_ fields: Fields?) {
        let empty = MarkdownText("", at: fields?.location ?? SourceLocation(path: "", line: 0, column: 0))
        noiseAndThermals = fields?.markdown("noise_and_thermals") ?? empty
        reliability = fields?.markdown("reliability") ?? empty
        os = fields?.markdown("os") ?? empty
    }
}

public struct FailureMode: Sendable, Hashable {
    public var symptom: String
    public var cause: MarkdownText
    public var fix: MarkdownText

    public static let schema = Schema("failure mode", [
        .required("symptom", .text, "What the operator sees."),
        .required("cause", .markdown, "Why it happens."),
        .required("fix", .markdown, "What to do."),
    ])

    init(_ fields: Fields) {
        symptom = fields.text("symptom") ?? ""
        cause = fields.markdown("cause") ?? MarkdownText("", at: fields.location)
        fix = fields.markdown("fix") ?? MarkdownText("", at: fields.location)
    }
}

/// A measurement the combo still needs: model, quant, runtime and context.
public struct BenchmarkTarget: Sendable, Hashable {
    public var model: Reference<Model>
    public var quant: String
    public var runtime: Reference<Runtime>
    public var context: Int
    public var why: MarkdownText
    public let quantLocation: SourceLocation

    public static let schema = Schema("benchmark target", [
        .required("model", .reference(.model), "The model id."),
        .required("quant", .text, "One of the model's quants, by name."),
        .required("runtime", .reference(.runtime), "The runtime id."),
        .required("context", .integer(min: 1), "Context length in tokens."),
        .required("why", .markdown, "What the measurement would settle."),
    ])

    init(_ fields: Fields) {
        model = fields.reference("model") ?? Reference(RecordID(""), at: fields.location)
        quant = fields.text("quant") ?? ""
        runtime = fields.reference("runtime") ?? Reference(RecordID(""), at: fields.location)
        context = fields.integer("context") ?? 1
        why = fields.markdown("why") ?? MarkdownText("", at: fields.location)
        quantLocation = fields.valueLocation("quant")
    }
}
