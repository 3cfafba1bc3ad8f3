/// One accelerator or unified-memory chip at one memory size (`content/devices/<id>.yaml`).
public struct Device: Record {
    public static let kind = RecordKind.device

    public static let schema = Schema("device", [
        .required("name", .text, "Full product name: \"GeForce RTX 3090\", \"Apple M4 Pro (20-core GPU), 64 GB\"."),
        .required("vendor", .choice(Vendor.vocabulary), "Who makes the chip."),
        .required("kind", .choice(DeviceKind.vocabulary),
                  "A discrete GPU has its own memory; the other kinds share the machine's RAM."),
        .optional("chip", .text, "The chip family, grouping variants of one chip: \"Apple M4 Pro\"."),
        .optional("gpu_cores", .integer(min: 1), "GPU cores of this variant, where a chip comes in several."),
        .required("memory_gb", .number(unit: "GB", range: .positive),
                  "Memory of this configuration in GB (10^9 bytes); for unified chips, the machine's RAM."),
        .optional("memory_options_gb", .list(.number(unit: "GB", range: .positive), minCount: 1),
                  "Every memory size this chip variant shipped with. memory_gb must be one of them."),
        .required("memory_technology", .choice(MemoryTechnology.vocabulary),
                  "The memory: gddr6x, hbm3, lpddr5x... It sets how much of the peak bandwidth decoding reaches."),
        .optional("memory_bus_bits", .integer(min: 16), "Memory bus width in bits: 384, 512, 1024."),
        .required("bandwidth_gb_s", .number(unit: "GB/s", range: .positive), "Peak memory bandwidth in GB/s."),
        .optional("fp16_tflops", .number(unit: "TFLOPS", range: .positive),
                  "Dense FP16 tensor (matrix) throughput without sparsity, where the vendor publishes it."),
        .optional("shader_tflops", .number(unit: "TFLOPS", range: .positive),
                  "Plain FP32 (non-tensor) throughput. Decoding one token is matrix-vector work on these units."),
        .optional("prefill_tflops", .number(unit: "TFLOPS", range: .positive),
                  "Effective prompt-processing throughput measured with llama.cpp (pp512 tokens/s × 13.5 GFLOP for Llama 2 7B); cite the measurement."),
        .optional("architecture", .text, "GPU architecture: \"Ampere\", \"Ada Lovelace\", \"RDNA 3\", \"Alchemist\"."),
        .optional("dies", .integer(min: 1), "Compute dies joined in one package (2 for an M-series Ultra); default 1."),
        .optional("power_w", .number(unit: "W", range: .positive), "Board power (GPUs) or chip power."),
        .optional("price", .record(Price.schema), "Launch price."),
        .required("backends", .list(.choice(Backend.vocabulary), minCount: 1), "Compute backends that drive it."),
        .required("os", .list(.choice(OSFamily.vocabulary), minCount: 1), "Operating systems it runs under."),
        .optional("pcie", .record(PCIeLink.schema), "Host interface of a discrete card."),
        .optional("nvlink_gb_s", .number(unit: "GB/s", range: .positive),
                  "Total NVLink bandwidth per device, where the card has NVLink."),
        .optional("summary", .text, "One sentence on what the device is to a local-AI buyer."),
        .required("sources", .list(.record(Citation.schema), minCount: 1), "Public sources for the specs."),
    ])

    public let id: RecordID<Device>
    public let path: String
    public var name: String
    public var vendor: Vendor
    public var kind: DeviceKind
    public var chip: String?
    public var gpuCores: Int?
    public var memoryGB: Double
    public var memoryOptionsGB: [Double]
    public var memoryTechnology: MemoryTechnology
    public var memoryBusBits: Int?
    public var bandwidthGBs: Double
    public var fp16TFLOPS: Double?
    public var shaderTFLOPS: Double?
    public var prefillTFLOPS: Double?
    public var architecture: String?
    public var dies: Int
    public var powerW: Double?
    public var price: Price?
    public var backends: [Backend]
    public var os: [OSFamily]
    public var pcie: PCIeLink?
    public var nvlinkGBs: Double?
    public var summary: String?
    public var sources: [Citation]

    public init(id: RecordID<Device>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems) {
        self.id = id
        self.path = path
        name = fields.text("name") ?? id.raw
        vendor = fields.choice("vendor") ?? .nvidia
        kind = fields.choice("kind") ?? .discreteGPU
        chip = fields.text("chip")
        gpuCores = fields.integer("gpu_cores")
        memoryGB = fields.number("memory_gb") ?? 0
        memoryOptionsGB = fields.numbers("memory_options_gb")
        memoryTechnology = fields.choice("memory_technology") ?? .gddr6
        memoryBusBits = fields.integer("memory_bus_bits")
        bandwidthGBs = fields.number("bandwidth_gb_s") ?? 0
        fp16TFLOPS = fields.number("fp16_tflops")
        shaderTFLOPS = fields.number("shader_tflops")
        prefillTFLOPS = fields.number("prefill_tflops")
        architecture = fields.text("architecture")
        dies = fields.integer("dies") ?? 1
        powerW = fields.number("power_w")
        price = Price(fields.record("price"))
        backends = fields.choices("backends")
        os = fields.choices("os")
        pcie = fields.record("pcie").map(PCIeLink.init)
        nvlinkGBs = fields.number("nvlink_gb_s")
        summary = fields.text("summary")
        sources = Citation.list(fields)

        // A configuration that never shipped is an error, not a curiosity: there is no 192 GB M3 Ultra.
        if !memoryOptionsGB.isEmpty, fields.has("memory_gb"), !memoryOptionsGB.contains(memoryGB) {
            problems.error(
                "\(chip ?? name) shipped with \(listing(memoryOptionsGB.map { format($0) + " GB" })) only; \(format(memoryGB)) GB is not a configuration",
                at: fields.valueLocation("memory_gb"), span: format(memoryGB).count)
        }
    }

    /// "GDDR6X (384-bit)".
    public var memoryDescription: String {
        memoryTechnology.label + (memoryBusBits.map { " (\($0)-bit)" } ?? "")
    }

    /// How diagrams name the device: the product for a card ("GeForce RTX 3090"), the chip
    /// for a unified-memory part ("Apple M4 Pro"), which the machine around it already names.
    public var shortLabel: String {
        guard kind == .discreteGPU else { return chip ?? name }
        let vendorPrefix = vendor.label + " "
        return name.hasPrefix(vendorPrefix) ? String(name.dropFirst(vendorPrefix.count)) : name
    }
}

/// The PCIe interface of a card: generation and lane count.
public struct PCIeLink: Sendable, Hashable {
    public var generation: Int
    public var lanes: Int

    public static let schema = Schema("PCIe interface", [
        .required("generation", .integer(min: 1), "PCIe generation: 3, 4, 5."),
        .required("lanes", .integer(min: 1), "Electrical lanes: 16, 8, 4."),
    ])

    init(_ fields: Fields) {
        generation = fields.integer("generation") ?? 4
        lanes = fields.integer("lanes") ?? 16
    }

    /// Payload bandwidth per direction in GB/s: about 0.985 GB/s per lane at PCIe 3.0
    /// (8 GT/s with 128b/130b encoding), doubling with each generation (PCI-SIG).
    public var bandwidthGBs: Double {
        let perLaneGen3GBs = 0.985
        return perLaneGen3GBs * Double(lanes) * pow2(generation - 3)
    }

    public var label: String { "PCIe \(generation).0 x\(lanes)" }
}

func pow2(_ exponent: Int) -> Double {
    exponent >= 0 ? Double(1 << exponent) : 1 / Double(1 << -exponent)
}

/// "a, b or c".
public func listing(_ items: [String], conjunction: String = "or") -> String {
    switch items.count {
    case 0: return ""
    case 1: return items[0]
    default: return items.dropLast().joined(separator: ", ") + " \(conjunction) " + items.last!
    }
}
