/// An operating system at a version, with the memory rules that decide how much of a device's
/// memory a model may use (`content/platforms/<id>.yaml`).
public struct Platform: Record {
    public static let kind = RecordKind.platform

    public static let schema = Schema("platform", [
        .required("name", .text, "\"macOS 26.2 (Tahoe)\", \"Linux (headless server)\"."),
        .required("family", .choice(OSFamily.vocabulary), "macos, linux or windows."),
        .required("version", .text, "The version these rules describe: \"26.2\", \"kernel 6.8+\"."),
        .optional("released", .date, "When this version shipped."),
        .required("summary", .text, "One sentence on what matters about this OS for local AI."),
        .optional("features", .list(.choice(PlatformFeature.vocabulary), minCount: 0),
                  "Capabilities combos and runtimes rely on, such as RDMA over Thunderbolt 5."),
        .optional("gpu_wired_limit", .list(.record(WiredLimitTier.schema), minCount: 1),
                  "Unified-memory Macs: the share of RAM the GPU may wire by default, by RAM size, smallest tier first."),
        .optional("raise_wired_limit", .text,
                  "The command that raises the GPU wired limit, with <MB> where the value goes."),
        .optional("raised_limit_keeps_free_gb", .number(unit: "GB", range: .positive),
                  "RAM to leave to the system when the wired limit is raised (community practice: 8 GB or more)."),
        .optional("shared_gpu_memory_fraction", .number(unit: nil, range: .fraction),
                  "For APUs sharing system RAM (Strix Halo): the share the GPU may use by default."),
        .optional("display_reserve_gb", .number(unit: "GB", range: .nonNegative),
                  "GPU memory the desktop or display driver keeps on the card that drives a screen."),
        .required("os_reserve_gb", .number(unit: "GB", range: .nonNegative),
                  "System RAM the operating system itself needs."),
        .optional("notes", .markdown, "Anything else an operator should know."),
        .required("sources", .list(.record(Citation.schema), minCount: 1), "Public sources for the rules."),
    ])

    public let id: RecordID<Platform>
    public let path: String
    public var name: String
    public var family: OSFamily
    public var version: String
    public var released: Day?
    public var summary: String
    public var features: [PlatformFeature]
    public var gpuWiredLimit: [WiredLimitTier]
    public var raiseWiredLimit: String?
    public var raisedLimitKeepsFreeGB: Double?
    public var sharedGPUMemoryFraction: Double?
    public var displayReserveGB: Double?
    public var osReserveGB: Double
    public var notes: MarkdownText?
    public var sources: [Citation]

    public init(id: RecordID<Platform>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems) {
        self.id = id
        self.path = path
        name = fields.text("name") ?? id.raw
        family = fields.choice("family") ?? .linux
        version = fields.text("version") ?? ""
        released = fields.date("released")
        summary = fields.text("summary") ?? ""
        features = fields.choices("features")
        gpuWiredLimit = fields.records("gpu_wired_limit").map { WiredLimitTier($0, &problems) }
        raiseWiredLimit = fields.text("raise_wired_limit")
        raisedLimitKeepsFreeGB = fields.number("raised_limit_keeps_free_gb")
        sharedGPUMemoryFraction = fields.number("shared_gpu_memory_fraction")
        displayReserveGB = fields.number("display_reserve_gb")
        osReserveGB = fields.number("os_reserve_gb") ?? 0
        notes = fields.markdown("notes")
        sources = Citation.list(fields)

        if !gpuWiredLimit.isEmpty, family != .macos, fields.has("family") {
            problems.error("\"gpu_wired_limit\" applies to macOS only; this platform is \(family.label)",
                           at: fields.keyLocation("gpu_wired_limit"), span: "gpu_wired_limit".count)
        }
        // Tiers must rise, and the last must cover every size, so that each RAM size has one rule.
        let bounds = gpuWiredLimit.map(\.ramUpToGB)
        for (index, bound) in bounds.enumerated() where index < bounds.count - 1 {
            if bound == nil {
                problems.error("only the last \"gpu_wired_limit\" tier may leave out \"ram_up_to_gb\"",
                               at: gpuWiredLimit[index].location)
            } else if let next = bounds[index + 1], next <= bound! {
                problems.error("\"gpu_wired_limit\" tiers must rise: \(format(next)) GB follows \(format(bound!)) GB",
                               at: gpuWiredLimit[index + 1].location)
            }
        }
        if let last = gpuWiredLimit.last, last.ramUpToGB != nil {
            problems.error("the last \"gpu_wired_limit\" tier must leave out \"ram_up_to_gb\" so that it covers larger machines",
                           at: last.location)
        }
    }

    public func has(_ feature: PlatformFeature) -> Bool { features.contains(feature) }

    /// The tier of the GPU wired limit that applies to a machine with this much RAM.
    public func wiredLimitTier(ramGB: Double) -> WiredLimitTier? {
        gpuWiredLimit.first { tier in tier.ramUpToGB.map { ramGB <= $0 } ?? true }
    }
}

/// One tier of the macOS GPU wired-memory rule: machines with RAM up to a size get a share.
public struct WiredLimitTier: Sendable, Hashable {
    public var ramUpToGB: Double?
    public var fraction: Double
    public let location: SourceLocation

    public static let schema = Schema("wired-limit tier", [
        .optional("ram_up_to_gb", .number(unit: "GB", range: .positive),
                  "The largest RAM size this tier covers; leave out on the last tier."),
        .optional("fraction", .number(unit: nil, range: .fraction), "Share of RAM the GPU may wire by default."),
        .optional("reserve_gb", .number(unit: "GB", range: .positive),
                  "Or: RAM kept back from the GPU, when the limit is RAM minus a fixed amount."),
    ])

    /// Or: the limit is RAM minus this many GB.
    public var reserveGB: Double?

    init(_ fields: Fields, _ problems: inout Problems) {
        ramUpToGB = fields.number("ram_up_to_gb")
        fraction = fields.number("fraction") ?? 0
        reserveGB = fields.number("reserve_gb")
        location = fields.location
        if fields.has("fraction") == fields.has("reserve_gb") {
            problems.error("a wired-limit tier gives either \"fraction\" or \"reserve_gb\", not both or neither", at: location)
        }
    }

    /// The default limit in GB for a machine with this much RAM.
    public func limitGB(ramGB: Double) -> Double {
        if let reserveGB { return max(0, ramGB - reserveGB) }
        return ramGB * fraction
    }
}
