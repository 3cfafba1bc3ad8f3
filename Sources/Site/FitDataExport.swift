import Catalog
import Fit
import Foundation

/// The fit engine's inputs and constants for the builder's script (`assets/fit.js`), written as
/// `fit-data.js` beside the builder page: the catalog's devices, machines, platforms, runtimes
/// and models, each model's footprint per quant (worked out here, by the Swift engine), the
/// constants by symbol, and the labels the engine's sentences use. A script, not JSON, so that
/// the page works from `file://`, where browsers refuse to fetch files.
struct FitDataExport: Encodable {
    let constants: [String: Double]
    let kvBytesPerElement: [String: Double]
    let labels: [String: [String: String]]
    /// Vendors in declaration order, the order the engine's sentences list them in.
    let vendorOrder: [String]
    let devices: [String: DeviceData]
    let deviceOrder: [String]
    let machines: [String: MachineData]
    let machineOrder: [String]
    let platforms: [String: PlatformData]
    let platformOrder: [String]
    let runtimes: [String: RuntimeData]
    let runtimeOrder: [String]
    let models: [String: ModelData]
    let modelOrder: [String]
    let combos: [String: ComboData]
    let comboOrder: [String]
    let defaultContext: Int

    struct DeviceData: Encodable {
        let id: String
        let name: String
        let shortLabel: String
        let kind: String
        let vendor: String
        let backends: [String]
        let memoryGB: Double
        let bandwidthGBs: Double
        let memoryFamily: String
        let dies: Int
        let architecture: String?
        let shaderTFLOPS: Double?
        let fp16TFLOPS: Double?
        let prefillTFLOPS: Double?
        let pcieGBs: Double?
        let os: [String]
        let sharesHostMemory: Bool
    }

    struct MachineData: Encodable {
        let id: String
        let name: String
        let hostRAMGB: Double
        let hostRAMBandwidthGBs: Double?
        let deviceLink: LinkData?
        /// [device id, count].
        let devices: [[Entry]]
        let deviceCount: Int
    }

    struct LinkData: Encodable {
        let interconnect: String
        let bandwidthGBs: Double
    }

    /// A JSON value that is a string or a number, for `[id, count]` pairs.
    enum Entry: Encodable {
        case text(String)
        case number(Int)

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            }
        }
    }

    struct PlatformData: Encodable {
        let id: String
        let name: String
        let family: String
        let osReserveGB: Double
        let displayReserveGB: Double?
        let sharedGPUMemoryFraction: Double?
        let raisedLimitKeepsFreeGB: Double?
        let raiseWiredLimit: String?
        let wiredLimit: [TierData]
        let rdmaOverThunderbolt5: Bool
    }

    struct TierData: Encodable {
        let ramUpToGB: Double?
        let fraction: Double
        let reserveGB: Double?
    }

    struct RuntimeData: Encodable {
        let id: String
        let name: String
        let platforms: [String]
        let backends: [String]
        let formats: [String]
        let splitStrategies: [String]
        let mixedVendors: Bool
        let multiHost: MultiHostData
        let fit: FitRulesData
    }

    struct MultiHostData: Encodable {
        let supported: Bool
        let transports: [String]
        let rdmaNeedsFullMesh: Bool
    }

    struct FitRulesData: Encodable {
        let deviceOverheadGiB: Double?
        let safetyMarginGiB: Double?
        let memoryFraction: Double?
        let activationReserveGiB: Double?
        let ubatchTokens: Int?
        let kvCacheTypes: [String]
        let embeddingsOnHost: Bool
        let layerSplit: String
        let tensorParallelDivides: [String]
        let tensorParallelKVCacheTypes: [String]
        let tensorParallelBackends: [String]
        let tensorParallelExcludes: [String]
        let decodeFactor: Double?
        let flashAttention: Bool
        let layerOverhead: [OverheadData]
        let backendEfficiency: [EfficiencyData]
        let formatBackends: [FormatBackendsData]
    }

    struct FormatBackendsData: Encodable {
        let format: String
        let backends: [String]
    }

    struct OverheadData: Encodable {
        let backend: String
        let memory: String?
        let dies: Int?
        let microseconds: Double
    }

    struct EfficiencyData: Encodable {
        let backend: String
        let architecture: String
        let factor: Double
    }

    struct ModelData: Encodable {
        let id: String
        let name: String
        let layers: Int
        let hiddenSize: Int
        let vocabSize: Int
        let attention: String
        let attentionHeads: Int
        let kvHeads: Int
        let headDim: Int
        let tiedEmbeddings: Bool
        let isMoE: Bool
        let activeExperts: Int
        let expertIntermediateSize: Int
        let maxContext: Int
        let quants: [QuantData]
    }

    struct QuantData: Encodable {
        let name: String
        let format: String
        /// As the record gives it (nil when it gives a file size or relies on the quant's name).
        let bitsPerWeight: Double?
        let footprint: FootprintData
    }

    /// `ModelFootprint` at any KV cache type: the per-token KV values are multiplied by the
    /// type's bytes per element in the script.
    struct FootprintData: Encodable {
        let layers: Int
        let totalWeightBytes: Double
        let bitsPerWeight: Double
        let embeddingBytes: Double
        let outputBytes: Double
        let denseBytesPerLayer: Double
        let expertBytesPerMoELayer: Double
        let moeLayers: Int
        let expertActiveShare: Double
        let activeParams: Double
        let activeParamsPerLayer: Double
        let kvValuesPerTokenFullLayer: Double
        let fullAttentionLayers: Int
        let slidingWindowTokens: Int?
        let linearStateBytesPerSequence: Double
    }

    /// A combo as a builder configuration: its machines, link, platform and runtimes.
    struct ComboData: Encodable {
        let id: String
        let title: String
        let query: String
    }

    init(catalog: Catalog) {
        var constants: [String: Double] = [:]
        for constant in FitConstants.all { constants[constant.symbol] = constant.value }
        self.constants = constants
        var bytes: [String: Double] = [:]
        for type in KVCacheType.allCases { bytes[type.rawValue] = type.bytesPerElement }
        kvBytesPerElement = bytes
        labels = [
            "os": Self.table(OSFamily.self), "format": Self.table(WeightFormat.self), "backend": Self.table(Backend.self),
            "kv": Self.table(KVCacheType.self), "transport": Self.table(Transport.self),
            "interconnect": Self.table(Interconnect.self), "vendor": Self.table(Vendor.self),
            "dimension": Self.table(TensorParallelDimension.self), "strategy": Self.table(SplitStrategy.self),
            "shape": Self.table(TopologyShape.self), "attention": Self.table(AttentionKind.self),
            "verdict": Dictionary(uniqueKeysWithValues: Verdict.allCases.map { ($0.rawValue, $0.label) }),
        ]
        var devices: [String: DeviceData] = [:]
        for device in catalog.devices {
            devices[device.id.raw] = DeviceData(
                id: device.id.raw, name: device.name, shortLabel: device.shortLabel, kind: device.kind.rawValue,
                vendor: device.vendor.rawValue, backends: device.backends.map(\.rawValue), memoryGB: device.memoryGB,
                bandwidthGBs: device.bandwidthGBs, memoryFamily: device.memoryTechnology.familyName, dies: device.dies,
                architecture: device.architecture, shaderTFLOPS: device.shaderTFLOPS, fp16TFLOPS: device.fp16TFLOPS,
                prefillTFLOPS: device.prefillTFLOPS, pcieGBs: device.pcie?.bandwidthGBs, os: device.os.map(\.rawValue),
                sharesHostMemory: device.kind.sharesHostMemory)
        }
        self.devices = devices
        deviceOrder = catalog.devices.ids
        var machines: [String: MachineData] = [:]
        for machine in catalog.machines {
            machines[machine.id.raw] = MachineData(
                id: machine.id.raw, name: machine.name, hostRAMGB: machine.hostRAMGB, hostRAMBandwidthGBs: machine.hostRAMBandwidthGBs,
                deviceLink: machine.deviceLink.map { LinkData(interconnect: $0.interconnect.rawValue, bandwidthGBs: $0.bandwidthGBs) },
                devices: machine.devices.map { [.text($0.device.id.raw), .number($0.count)] }, deviceCount: machine.deviceCount)
        }
        self.machines = machines
        machineOrder = catalog.machines.ids
        var platforms: [String: PlatformData] = [:]
        for platform in catalog.platforms {
            platforms[platform.id.raw] = PlatformData(
                id: platform.id.raw, name: platform.name, family: platform.family.rawValue, osReserveGB: platform.osReserveGB,
                displayReserveGB: platform.displayReserveGB, sharedGPUMemoryFraction: platform.sharedGPUMemoryFraction,
                raisedLimitKeepsFreeGB: platform.raisedLimitKeepsFreeGB, raiseWiredLimit: platform.raiseWiredLimit,
                wiredLimit: platform.gpuWiredLimit.map { TierData(ramUpToGB: $0.ramUpToGB, fraction: $0.fraction, reserveGB: $0.reserveGB) },
                rdmaOverThunderbolt5: platform.has(.rdmaOverThunderbolt5))
        }
        self.platforms = platforms
        platformOrder = catalog.platforms.ids
        var runtimes: [String: RuntimeData] = [:]
        for runtime in catalog.runtimes {
            let fit = runtime.fit
            runtimes[runtime.id.raw] = RuntimeData(
                id: runtime.id.raw, name: runtime.name, platforms: runtime.platforms.map(\.rawValue),
                backends: runtime.backends.map(\.rawValue), formats: runtime.formats.map(\.rawValue),
                splitStrategies: runtime.splitStrategies.map(\.rawValue), mixedVendors: runtime.mixedVendors,
                multiHost: MultiHostData(
                    supported: runtime.multiHost.supported, transports: runtime.multiHost.transports.map(\.rawValue),
                    rdmaNeedsFullMesh: runtime.multiHost.rdmaNeedsFullMesh),
                fit: FitRulesData(
                    deviceOverheadGiB: fit.deviceOverheadGiB, safetyMarginGiB: fit.safetyMarginGiB, memoryFraction: fit.memoryFraction,
                    activationReserveGiB: fit.activationReserveGiB, ubatchTokens: fit.ubatchTokens,
                    kvCacheTypes: fit.kvCacheTypes.map(\.rawValue), embeddingsOnHost: fit.embeddingsOnHost,
                    layerSplit: fit.layerSplit.rawValue, tensorParallelDivides: fit.tensorParallelDivides.map(\.rawValue),
                    tensorParallelKVCacheTypes: fit.tensorParallelKVCacheTypes.map(\.rawValue),
                    tensorParallelBackends: fit.tensorParallelBackends.map(\.rawValue),
                    tensorParallelExcludes: fit.tensorParallelExcludes.map(\.rawValue), decodeFactor: fit.decodeFactor,
                    flashAttention: fit.flashAttention,
                    layerOverhead: fit.layerOverhead.map {
                        OverheadData(backend: $0.backend.rawValue, memory: $0.memory?.rawValue, dies: $0.dies, microseconds: $0.microseconds)
                    },
                    backendEfficiency: fit.backendEfficiency.map {
                        EfficiencyData(backend: $0.backend.rawValue, architecture: $0.architecture, factor: $0.factor)
                    },
                    formatBackends: fit.formatBackends.map {
                        FormatBackendsData(format: $0.format.rawValue, backends: $0.backends.map(\.rawValue))
                    }))
        }
        self.runtimes = runtimes
        runtimeOrder = catalog.runtimes.ids
        var models: [String: ModelData] = [:]
        for model in catalog.models {
            models[model.id.raw] = ModelData(
                id: model.id.raw, name: model.name, layers: model.layers, hiddenSize: model.hiddenSize, vocabSize: model.vocabSize,
                attention: model.attention.rawValue, attentionHeads: model.attentionHeads, kvHeads: model.kvHeads, headDim: model.headDim,
                tiedEmbeddings: model.tiedEmbeddings, isMoE: model.isMixtureOfExperts, activeExperts: model.experts?.active ?? 0,
                expertIntermediateSize: model.experts?.expertIntermediateSize ?? 0, maxContext: model.maxContext,
                quants: model.quants.map { quant in
                    let footprint = ModelFootprint(model: model, quant: quant, kvCacheType: .f16)
                    return QuantData(
                        name: quant.name, format: quant.format.rawValue, bitsPerWeight: quant.bitsPerWeight,
                        footprint: FootprintData(
                            layers: footprint.layers, totalWeightBytes: footprint.totalWeightBytes, bitsPerWeight: footprint.bitsPerWeight,
                            embeddingBytes: footprint.embeddingBytes, outputBytes: footprint.outputBytes,
                            denseBytesPerLayer: footprint.denseBytesPerLayer, expertBytesPerMoELayer: footprint.expertBytesPerMoELayer,
                            moeLayers: footprint.moeLayers, expertActiveShare: footprint.expertActiveShare,
                            activeParams: footprint.activeParams, activeParamsPerLayer: footprint.activeParamsPerLayer,
                            kvValuesPerTokenFullLayer: footprint.kvBytesPerTokenFullLayer / KVCacheType.f16.bytesPerElement,
                            fullAttentionLayers: footprint.fullAttentionLayers, slidingWindowTokens: footprint.slidingWindowTokens,
                            linearStateBytesPerSequence: footprint.linearStateBytesPerSequence))
                })
        }
        self.models = models
        modelOrder = Self.modelOrder(catalog)
        var combos: [String: ComboData] = [:]
        for combo in catalog.combos {
            if let query = BuilderQuery(combo: combo, catalog: catalog)?.text {
                combos[combo.id.raw] = ComboData(id: combo.id.raw, title: combo.title, query: query)
            }
        }
        self.combos = combos
        comboOrder = catalog.combos.ids.filter { combos[$0] != nil }
        defaultContext = SiteFits.context
        vendorOrder = Vendor.allCases.map(\.rawValue)
    }

    /// Models by name, numbers in order ("Gemma 3 4B" before "Gemma 3 12B"): how lists show them.
    static func modelOrder(_ catalog: Catalog) -> [String] {
        catalog.models.all.sorted { $0.name.compare($1.name, options: [.numeric, .caseInsensitive]) == .orderedAscending }.map(\.id.raw)
    }

    private static func table<T: VocabularyTerm>(_ type: T.Type) -> [String: String] {
        Dictionary(uniqueKeysWithValues: T.allCases.map { ($0.rawValue, $0.label) })
    }

    /// `window.COMBOS_FIT_DATA = {…};`, with sorted keys so that builds are byte-identical.
    func script() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Inside a <script> a "</" would end it early; JSON allows the escape.
        let json = (try? encoder.encode(self)).map(scriptSafeJSON) ?? "{}"
        return "window.COMBOS_FIT_DATA = " + json + ";\n"
    }
}

extension MemoryTechnology {
    /// "gddr", "hbm", "lpddr" or "ddr": what the speed model's bandwidth efficiency depends on.
    var familyName: String { family.rawValue }
}
