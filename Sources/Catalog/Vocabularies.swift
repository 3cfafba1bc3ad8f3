// The closed vocabularies records are written in. Raw values are what editors type; labels are
// how pages show them. Declaration order is the order pages list them in.

public enum Vendor: String, VocabularyTerm {
    case nvidia, amd, intel, apple
    public static let vocabularyName = "vendor"
    public var label: String {
        switch self {
        case .nvidia: "NVIDIA"
        case .amd: "AMD"
        case .intel: "Intel"
        case .apple: "Apple"
        }
    }
}

public enum DeviceKind: String, VocabularyTerm {
    case discreteGPU = "discrete-gpu"
    case unifiedSoC = "unified-soc"
    case apu
    case cpu
    public static let vocabularyName = "device kind"
    public var label: String {
        switch self {
        case .discreteGPU: "Discrete GPU"
        case .unifiedSoC: "Unified-memory SoC"
        case .apu: "APU (shared memory)"
        case .cpu: "CPU"
        }
    }

    /// Unified and shared-memory chips use the machine's RAM as their memory.
    public var sharesHostMemory: Bool { self != .discreteGPU }
}

public enum Backend: String, VocabularyTerm {
    case cuda, rocm, metal, vulkan, sycl, cpu
    public static let vocabularyName = "backend"
    public var label: String {
        switch self {
        case .cuda: "CUDA"
        case .rocm: "ROCm"
        case .metal: "Metal"
        case .vulkan: "Vulkan"
        case .sycl: "SYCL"
        case .cpu: "CPU"
        }
    }
}

public enum OSFamily: String, VocabularyTerm {
    case macos, linux, windows
    public static let vocabularyName = "operating system"
    public var label: String {
        switch self {
        case .macos: "macOS"
        case .linux: "Linux"
        case .windows: "Windows"
        }
    }
}

/// How a model is spread over devices. Each strategy has a one-line definition that pages show
/// next to a combo's own note.
public enum SplitStrategy: String, VocabularyTerm {
    case singleDevice = "single-device"
    case layerSplit = "layer-split"
    case rowSplit = "row-split"
    case tensorParallel = "tensor-parallel"
    case expertParallel = "expert-parallel"
    case cpuLayerOffload = "cpu-layer-offload"
    case moeExpertOffload = "moe-expert-offload"
    case multiHostPipeline = "multi-host-pipeline"
    case multiHostTensorParallel = "multi-host-tensor-parallel"
    public static let vocabularyName = "split strategy"

    public var label: String {
        switch self {
        case .singleDevice: "Single device"
        case .layerSplit: "Layer split (pipeline)"
        case .rowSplit: "Row split"
        case .tensorParallel: "Tensor parallel"
        case .expertParallel: "Expert parallel"
        case .cpuLayerOffload: "CPU layer offload"
        case .moeExpertOffload: "MoE expert offload"
        case .multiHostPipeline: "Multi-host pipeline"
        case .multiHostTensorParallel: "Multi-host tensor parallel"
        }
    }

    public var definition: String {
        switch self {
        case .singleDevice:
            "The whole model and its cache live on one device; nothing crosses a link."
        case .layerSplit:
            "Each device holds a contiguous block of layers and their cache; devices take turns on every token."
        case .rowSplit:
            "Each layer's weight rows are divided between GPUs while the cache stays on the main GPU."
        case .tensorParallel:
            "Every layer's matrices are cut across devices that work at once, with two all-reduces per layer per token."
        case .expertParallel:
            "A mixture-of-experts model's experts are spread across devices and tokens are routed to them."
        case .cpuLayerOffload:
            "Layers that do not fit in device memory run on the CPU from system RAM."
        case .moeExpertOffload:
            "Attention and shared weights stay on the GPU while the routed experts run from system RAM."
        case .multiHostPipeline:
            "Layers are split across machines; one small activation crosses the network per boundary per token."
        case .multiHostTensorParallel:
            "Every layer is cut across machines, which all-reduce over the network twice per layer per token."
        }
    }

    /// Strategies that need more than one machine.
    public var isMultiHost: Bool { self == .multiHostPipeline || self == .multiHostTensorParallel }
}

/// Memory technologies. The family decides how much of the peak bandwidth a decode reaches.
public enum MemoryTechnology: String, VocabularyTerm {
    case gddr5, gddr6, gddr6x, gddr7, hbm2, hbm2e, hbm3, hbm3e, lpddr4x, lpddr5, lpddr5x, ddr4, ddr5
    public static let vocabularyName = "memory technology"
    public var label: String {
        switch self {
        case .gddr5: "GDDR5"
        case .gddr6: "GDDR6"
        case .gddr6x: "GDDR6X"
        case .gddr7: "GDDR7"
        case .hbm2: "HBM2"
        case .hbm2e: "HBM2e"
        case .hbm3: "HBM3"
        case .hbm3e: "HBM3e"
        case .lpddr4x: "LPDDR4X"
        case .lpddr5: "LPDDR5"
        case .lpddr5x: "LPDDR5X"
        case .ddr4: "DDR4"
        case .ddr5: "DDR5"
        }
    }

    public enum Family: String, Sendable { case gddr, hbm, lpddr, ddr }

    public var family: Family {
        switch self {
        case .gddr5, .gddr6, .gddr6x, .gddr7: .gddr
        case .hbm2, .hbm2e, .hbm3, .hbm3e: .hbm
        case .lpddr4x, .lpddr5, .lpddr5x: .lpddr
        case .ddr4, .ddr5: .ddr
        }
    }
}

/// Physical links between devices or machines.
public enum Interconnect: String, VocabularyTerm {
    case pcie
    case nvlink
    case infinityFabric = "infinity-fabric"
    case thunderbolt4 = "thunderbolt-4"
    case thunderbolt5 = "thunderbolt-5"
    case usb4
    case ethernet
    case infiniband
    public static let vocabularyName = "interconnect"
    public var label: String {
        switch self {
        case .pcie: "PCIe"
        case .nvlink: "NVLink"
        case .infinityFabric: "Infinity Fabric"
        case .thunderbolt4: "Thunderbolt 4"
        case .thunderbolt5: "Thunderbolt 5"
        case .usb4: "USB4"
        case .ethernet: "Ethernet"
        case .infiniband: "InfiniBand"
        }
    }

    /// A compact label for diagrams.
    public var shortLabel: String {
        switch self {
        case .thunderbolt4: "TB4"
        case .thunderbolt5: "TB5"
        case .infinityFabric: "IF"
        case .infiniband: "IB"
        default: label
        }
    }
}

/// What is carried over a link between machines.
public enum Transport: String, VocabularyTerm {
    case rdma
    case tcpIP = "tcp-ip"
    public static let vocabularyName = "transport"
    public var label: String {
        switch self {
        case .rdma: "RDMA"
        case .tcpIP: "TCP/IP"
        }
    }
}

/// Kinds of port on a machine that can link it to others.
public enum PortKind: String, VocabularyTerm {
    case thunderbolt5 = "thunderbolt-5"
    case thunderbolt4 = "thunderbolt-4"
    case usb4
    case ethernet
    case qsfp
    public static let vocabularyName = "port kind"
    public var label: String {
        switch self {
        case .thunderbolt5: "Thunderbolt 5"
        case .thunderbolt4: "Thunderbolt 4"
        case .usb4: "USB4"
        case .ethernet: "Ethernet"
        case .qsfp: "QSFP"
        }
    }

    /// The port kind a machine needs for a link over this interconnect, if links use ports.
    public static func forLink(_ interconnect: Interconnect) -> PortKind? {
        switch interconnect {
        case .thunderbolt5: .thunderbolt5
        case .thunderbolt4: .thunderbolt4
        case .usb4: .usb4
        case .ethernet: .ethernet
        case .infiniband: .qsfp
        case .pcie, .nvlink, .infinityFabric: nil
        }
    }
}

/// How the nodes of a combo are wired.
public enum TopologyShape: String, VocabularyTerm {
    case singleBox = "single-box"
    case ring
    case fullMesh = "full-mesh"
    case star
    public static let vocabularyName = "topology shape"
    public var label: String {
        switch self {
        case .singleBox: "Single box"
        case .ring: "Ring"
        case .fullMesh: "Full mesh"
        case .star: "Star (through a switch)"
        }
    }
}

public enum Difficulty: String, VocabularyTerm {
    case beginner, intermediate, advanced
    public static let vocabularyName = "difficulty"
    public var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

public enum FormFactor: String, VocabularyTerm {
    case miniPC = "mini-pc"
    case desktop
    case laptop
    case workstation
    case server
    case allInOne = "all-in-one"
    public static let vocabularyName = "form factor"
    public var label: String {
        switch self {
        case .miniPC: "Mini PC"
        case .desktop: "Desktop"
        case .laptop: "Laptop"
        case .workstation: "Workstation"
        case .server: "Server"
        case .allInOne: "All-in-one"
        }
    }
}

/// File formats model weights ship in.
public enum WeightFormat: String, VocabularyTerm {
    case gguf, mlx, safetensors, awq, gptq, fp8, exl2, exl3, mlc
    public static let vocabularyName = "weight format"
    public var label: String {
        switch self {
        case .gguf: "GGUF"
        case .mlx: "MLX"
        case .safetensors: "Safetensors (FP16/BF16)"
        case .awq: "AWQ"
        case .gptq: "GPTQ"
        case .fp8: "FP8"
        case .exl2: "EXL2"
        case .exl3: "EXL3"
        case .mlc: "MLC"
        }
    }
}

/// How a model's attention stores its key/value cache, which sets how the cache grows.
public enum AttentionKind: String, VocabularyTerm {
    case gqa
    case mha
    case mla
    case slidingWindow = "sliding-window"
    case hybridLinear = "hybrid-linear"
    public static let vocabularyName = "attention kind"
    public var label: String {
        switch self {
        case .gqa: "Grouped-query attention"
        case .mha: "Multi-head attention"
        case .mla: "Multi-head latent attention"
        case .slidingWindow: "Sliding window + global layers"
        case .hybridLinear: "Hybrid linear + full attention"
        }
    }
}

/// Platform features that runtimes and combos depend on.
public enum PlatformFeature: String, VocabularyTerm {
    case rdmaOverThunderbolt5 = "rdma-over-thunderbolt-5"
    case gpuWiredLimitSysctl = "gpu-wired-limit-sysctl"
    case sysmemFallback = "sysmem-fallback"
    public static let vocabularyName = "platform feature"
    public var label: String {
        switch self {
        case .rdmaOverThunderbolt5: "RDMA over Thunderbolt 5"
        case .gpuWiredLimitSysctl: "Adjustable GPU wired-memory limit"
        case .sysmemFallback: "GPU memory spills into system RAM"
        }
    }
}
