/// An inference runtime (`content/runtimes/<id>.md`): its rules as data in the front matter,
/// and an operational review as the Markdown body.
public struct Runtime: Record {
    public static let kind = RecordKind.runtime

    public static let schema = Schema("runtime", [
        .required("name", .text, "\"llama.cpp\", \"exo\"."),
        .required("summary", .text, "One sentence: what it is and who it is for."),
        .required("license", .text, "SPDX-style licence: \"MIT\", \"Apache-2.0\"."),
        .required("homepage", .url, "Project home page or repository."),
        .required("version", .text, "The release this review and these rules describe."),
        .required("reviewed", .date, "When the review was last checked against that release."),
        .required("platforms", .list(.choice(OSFamily.vocabulary), minCount: 1), "Operating systems it runs on."),
        .required("backends", .list(.choice(Backend.vocabulary), minCount: 1), "Compute backends it can use."),
        .required("split_strategies", .list(.choice(SplitStrategy.vocabulary), minCount: 1),
                  "How it can spread one model over devices."),
        .required("formats", .list(.choice(WeightFormat.vocabulary), minCount: 1), "Weight formats it loads."),
        .required("mixed_vendors", .bool, "Whether one model may span devices of different vendors."),
        .required("multi_host", .record(MultiHostSupport.schema), "Whether and how one model spans machines."),
        .optional("fit", .record(RuntimeFitRules.schema),
                  "How it places a model: overheads, margins, KV cache types, split rules. Left out: the engine's defaults."),
        .optional("constraints", .list(.markdown, minCount: 0),
                  "Limits an operator runs into, one per entry (divisibility rules, experimental modes)."),
        .required("sources", .list(.record(Citation.schema), minCount: 1), "Documentation backing these rules."),
    ])

    public let id: RecordID<Runtime>
    public let path: String
    public var name: String
    public var summary: String
    public var license: String
    public var homepage: String
    public var version: String
    public var reviewed: Day?
    public var platforms: [OSFamily]
    public var backends: [Backend]
    public var splitStrategies: [SplitStrategy]
    public var formats: [WeightFormat]
    public var mixedVendors: Bool
    public var multiHost: MultiHostSupport
    public var constraints: [MarkdownText]
    public var fit: RuntimeFitRules
    public var sources: [Citation]
    /// The operational review.
    public var review: MarkdownText

    public init(id: RecordID<Runtime>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems) {
        self.id = id
        self.path = path
        name = fields.text("name") ?? id.raw
        summary = fields.text("summary") ?? ""
        license = fields.text("license") ?? ""
        homepage = fields.url("homepage") ?? ""
        version = fields.text("version") ?? ""
        reviewed = fields.date("reviewed")
        platforms = fields.choices("platforms")
        backends = fields.choices("backends")
        splitStrategies = fields.choices("split_strategies")
        formats = fields.choices("formats")
        mixedVendors = fields.bool("mixed_vendors") ?? false
        multiHost = MultiHostSupport(fields.record("multi_host"))
        constraints = fields.markdowns("constraints")
        fit = RuntimeFitRules(fields.record("fit"))
        sources = Citation.list(fields)
        review = body ?? MarkdownText("", at: fields.location)

        if multiHost.supported, !splitStrategies.contains(where: \.isMultiHost), fields.has("split_strategies") {
            problems.error(
                "multi_host says supported, but \"split_strategies\" lists no multi-host strategy (multi-host-pipeline or multi-host-tensor-parallel)",
                at: fields.keyLocation("split_strategies"), span: "split_strategies".count)
        }
        if !multiHost.supported, let strategy = splitStrategies.first(where: \.isMultiHost) {
            problems.error("\"\(strategy.rawValue)\" needs multi_host.supported: true",
                           at: fields.keyLocation("split_strategies"), span: "split_strategies".count)
        }
    }

    public func supports(_ strategy: SplitStrategy) -> Bool { splitStrategies.contains(strategy) }
}

/// Whether a runtime can run one model across machines, and over what.
public struct MultiHostSupport: Sendable, Hashable {
    public var supported: Bool
    public var transports: [Transport]
    public var note: MarkdownText?

    public static let schema = Schema("multi-host block", [
        .required("supported", .bool, "true if one model can span several machines."),
        .optional("transports", .list(.choice(Transport.vocabulary), minCount: 0),
                  "What it can carry traffic over between machines: tcp-ip, rdma."),
        .optional("note", .markdown, "How it is set up and its limits."),
        .optional("rdma_needs_full_mesh", .bool,
                  "true when RDMA placements need every machine cabled to every other (exo)."),
    ])

    public var rdmaNeedsFullMesh: Bool

    init(_ fields: Fields?) {
        supported = fields?.bool("supported") ?? false
        transports = fields?.choices("transports") ?? []
        note = fields?.markdown("note")
        rdmaNeedsFullMesh = fields?.bool("rdma_needs_full_mesh") ?? false
    }
}
