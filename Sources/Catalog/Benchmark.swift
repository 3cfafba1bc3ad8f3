/// A measured result (`content/benchmarks/<id>.yaml`): a model and quant on a configuration, with
/// the runtime, the context depth, the speeds and the public source. Pages show it beside the
/// fit engine's estimate for the same configuration.
public struct Benchmark: Record {
    public static let kind = RecordKind.benchmark

    public static let schema = Schema("benchmark", [
        .optional("combo", .reference(.combo), "The combo it was measured on; or give devices."),
        .optional("devices", .list(.record(DeviceSlot.schema), minCount: 1),
                  "The devices it ran on, for a measurement that is not of a catalog combo."),
        .optional("platform", .reference(.platform), "The OS, with devices (a combo names its own)."),
        .required("runtime", .reference(.runtime), "The runtime id."),
        .required("model", .reference(.model), "The model id."),
        .required("quant", .text, "One of the model's quants, by name."),
        .required("depth_tokens", .integer(min: 0), "Tokens already in the KV cache when decoding was timed (0 for llama-bench's tg128)."),
        .optional("prompt_tokens", .integer(min: 1), "Prompt length of the prefill test (512 for llama-bench's pp512)."),
        .optional("decode_tps", .number(unit: "tokens/s", range: .positive), "Generation speed of one stream."),
        .optional("prefill_tps", .number(unit: "tokens/s", range: .positive), "Prompt-processing speed."),
        .optional("backend", .choice(Backend.vocabulary), "The backend the runtime used."),
        .optional("measured", .date, "When it was measured or published."),
        .required("source", .record(Citation.schema), "Where the measurement was published."),
        .optional("notes", .text, "Anything that qualifies the numbers."),
    ])

    public let id: RecordID<Benchmark>
    public let path: String
    public var combo: Reference<Combo>?
    public var devices: [DeviceSlot]
    public var platform: Reference<Platform>?
    public var runtime: Reference<Runtime>
    public var model: Reference<Model>
    public var quant: String
    public var depthTokens: Int
    public var promptTokens: Int?
    public var decodeTPS: Double?
    public var prefillTPS: Double?
    public var backend: Backend?
    public var measured: Day?
    public var source: Citation
    public var notes: String?
    public let quantLocation: SourceLocation

    public init(id: RecordID<Benchmark>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems) {
        self.id = id
        self.path = path
        combo = fields.reference("combo")
        devices = fields.records("devices").map(DeviceSlot.init)
        platform = fields.reference("platform")
        runtime = fields.reference("runtime") ?? Reference(RecordID(""), at: fields.location)
        model = fields.reference("model") ?? Reference(RecordID(""), at: fields.location)
        quant = fields.text("quant") ?? ""
        depthTokens = fields.integer("depth_tokens") ?? 0
        promptTokens = fields.integer("prompt_tokens")
        decodeTPS = fields.number("decode_tps")
        prefillTPS = fields.number("prefill_tps")
        backend = fields.choice("backend")
        measured = fields.date("measured")
        source = fields.record("source").map(Citation.init) ?? Citation(title: "", url: "")
        notes = fields.text("notes")
        quantLocation = fields.valueLocation("quant")

        if (combo == nil) == devices.isEmpty, !problems.hasErrors {
            problems.error("a benchmark names either a \"combo\" or its \"devices\", not both or neither", at: fields.location)
        }
        if combo != nil, platform != nil {
            problems.error("\"platform\" goes with \"devices\"; a combo names its own platform",
                           at: fields.keyLocation("platform"), span: "platform".count)
        }
        if decodeTPS == nil, prefillTPS == nil, !problems.hasErrors {
            problems.error("a benchmark needs \"decode_tps\", \"prefill_tps\" or both", at: fields.location)
        }
    }
}

extension Citation {
    public init(title: String, url: String) {
        self.title = title
        self.url = url
    }
}
