import Catalog

/// The choices made when a question does not name everything: which quant stands for "the
/// model at 4-bit", which platform a bare list of devices runs, which runtimes may run a model
/// on a configuration, and which of several answers is best. `combos fit` and the site share
/// them, so the command line and the pages answer the same question the same way.
public enum FitChoices {
    /// The quants people mean by "4-bit", in order of preference, by format.
    public static let fourBitQuantNames = ["Q4_K_M", "MLX 4-bit", "MXFP4", "AWQ 4-bit", "GPTQ 4-bit", "Q4_0"]

    /// The model's 4-bit quant in the format the runtime lists first (its native one: AWQ before
    /// GGUF for vLLM, whose GGUF loading is a side path), else the first quant it loads.
    public static func referenceQuant(of model: Model, for runtime: Runtime) -> Quant? {
        let loadable = model.quants.filter { runtime.formats.contains($0.format) }
        let fourBit = loadable.filter { fourBitQuantNames.contains($0.name) }
        func rank(_ quant: Quant) -> (Int, Int) {
            (runtime.formats.firstIndex(of: quant.format) ?? .max, fourBitQuantNames.firstIndex(of: quant.name) ?? .max)
        }
        return fourBit.min { rank($0) < rank($1) } ?? loadable.first
    }

    /// The platform a machine of these devices runs, when none is named: Linux where every
    /// device runs it, else macOS, else Windows.
    public static func platform(for systems: [Set<OSFamily>], in catalog: Catalog) -> Platform? {
        let shared = systems.reduce(Set(OSFamily.allCases)) { $0.intersection($1) }
        for family in [OSFamily.linux, .macos, .windows] where shared.contains(family) {
            if let platform = catalog.platforms.first(where: { $0.family == family }) { return platform }
        }
        return nil
    }

    /// Runtimes that run on every host's OS and can drive at least one of the devices (and span
    /// the machines, when there are several).
    public static func runtimes(for hardware: Hardware, in catalog: Catalog) -> [Runtime] {
        catalog.runtimes.filter { runtime in
            hardware.hosts.allSatisfy { runtime.platforms.contains($0.platform.family) }
                && hardware.devices.contains { !Set($0.backends).isDisjoint(with: runtime.backends) }
                && (hardware.hostCount == 1 || runtime.multiHost.supported)
        }
    }

    /// The runtimes a combo supports: its recommended ones first, then the others it marks
    /// supported, never one it marks unsupported.
    public static func supportedRuntimes(of combo: Combo, in catalog: Catalog) -> [Runtime] {
        var ids = combo.recommendedRuntimes.map(\.id)
        for verdict in combo.runtimeCompatibility where verdict.supported && !ids.contains(verdict.runtime.id) {
            ids.append(verdict.runtime.id)
        }
        let refused = Set(combo.runtimeCompatibility.filter { !$0.supported }.map(\.runtime.id))
        return ids.filter { !refused.contains($0) }.compactMap { catalog[$0] }
    }

    /// Whether `a` answers better than `b`: a better verdict, then a faster decode.
    public static func isBetter(_ a: FitResult, than b: FitResult) -> Bool {
        if a.verdict != b.verdict { return a.verdict < b.verdict }
        if a.verdict == .noFit { return a.minimumHeadroom > b.minimumHeadroom }
        return (a.decode?.tokensPerSecond ?? 0) > (b.decode?.tokensPerSecond ?? 0)
    }

    /// `isBetter` for summaries.
    public static func isBetter(_ a: FitSummary, than b: FitSummary) -> Bool {
        if a.verdict != b.verdict { return a.verdict < b.verdict }
        if a.verdict == .noFit { return a.minimumHeadroom > b.minimumHeadroom }
        return (a.decodeTokensPerSecond ?? 0) > (b.decodeTokensPerSecond ?? 0)
    }
}

extension FitEngine {
    /// What each device of `hardware` offers a model under `runtime`: its limit, less the
    /// runtime's overhead and safety margin, with the rule that set the limit. Devices the
    /// runtime cannot drive are left out.
    public static func usableMemory(on hardware: Hardware, runtime: Runtime, raisedWiredLimit: Bool = false) -> [(device: FitDevice, memory: UsableMemory)] {
        hardware.devices.compactMap { device in
            guard let backend = Context.backend(for: device, offered: runtime.backends, wanted: nil) else { return nil }
            return (device, UsableMemory.of(
                device, in: hardware, rules: runtime.fit, runtimeName: runtime.name, backend: backend,
                raisedWiredLimit: raisedWiredLimit))
        }
    }
}

extension SplitStrategy {
    /// Whether part of the model runs from system RAM: slower, and not what "fits" means to
    /// someone choosing a quant.
    public var offloadsToSystemRAM: Bool { self == .cpuLayerOffload || self == .moeExpertOffload }
}
