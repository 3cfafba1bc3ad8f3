import Catalog

/// How much of a device's memory a model may use, and the rule that decided it.
public struct UsableMemory: Sendable {
    /// What the OS and runtime let the device use at all, in bytes.
    public let limitBytes: Double
    /// The rule that set the limit (described in words by `LimitRule.description`).
    public let rule: LimitRule
    /// The runtime's own fixed use of the device (context, kernels).
    public let overheadBytes: Double
    /// Memory the runtime keeps free.
    public let marginBytes: Double

    /// What is left for weights, KV cache and buffers.
    public var capacityBytes: Double { budget.capacityBytes }

    /// The numbers without the rule.
    var budget: MemoryBudget { MemoryBudget(limitBytes: limitBytes, overheadBytes: overheadBytes, marginBytes: marginBytes) }

    /// The usable memory of one device of `hardware` under `runtime`.
    static func of(
        _ device: FitDevice, in hardware: Hardware, rules: RuntimeFitRules, runtimeName: String, backend: Backend, raisedWiredLimit: Bool
    ) -> UsableMemory {
        let (budget, rule) = work(
            device, in: hardware, rules: rules, runtimeName: runtimeName, backend: backend, raisedWiredLimit: raisedWiredLimit,
            explained: true)
        // `work` names a rule on every path when asked to explain.
        return UsableMemory(
            limitBytes: budget.limitBytes, rule: rule!, overheadBytes: budget.overheadBytes, marginBytes: budget.marginBytes)
    }

    /// The same numbers without the rule: what a summary needs (the rule holds strings, and
    /// naming it costs more than working out the numbers).
    static func budget(
        _ device: FitDevice, in hardware: Hardware, rules: RuntimeFitRules, runtimeName: String, backend: Backend, raisedWiredLimit: Bool
    ) -> MemoryBudget {
        work(
            device, in: hardware, rules: rules, runtimeName: runtimeName, backend: backend, raisedWiredLimit: raisedWiredLimit,
            explained: false).budget
    }

    /// The limit, overhead and margin, and the rule behind the limit when `explained`.
    private static func work(
        _ device: FitDevice, in hardware: Hardware, rules: RuntimeFitRules, runtimeName: String, backend: Backend, raisedWiredLimit: Bool,
        explained: Bool
    ) -> (budget: MemoryBudget, rule: LimitRule?) {
        let host = hardware.hosts[device.host]
        let gib = FitConstants.gibibyte
        let memoryGiB = device.memoryBytes / gib
        var limitGiB: Double
        var rule: LimitRule?
        func name(_ limitRule: @autoclosure () -> LimitRule) {
            if explained { rule = limitRule() }
        }
        switch device.kind {
        case .unifiedSoC where host.family == .macos:
            if raisedWiredLimit, let keepFree = host.raisedLimitKeepsFreeGB {
                limitGiB = memoryGiB - keepFree
                name(.raisedWiredLimit(memoryGiB: memoryGiB, keepFreeGiB: keepFree, command: host.raiseWiredLimit))
            } else if let tier = host.wiredLimitTier(ramGB: memoryGiB) {
                limitGiB = tier.limitGB(ramGB: memoryGiB)
                name(.wiredLimit(
                    platform: host.platformName, memoryGiB: memoryGiB, fraction: tier.reserveGB == nil ? tier.fraction : nil,
                    reserveGiB: tier.reserveGB))
            } else {
                limitGiB = memoryGiB - host.osReserveGB - FitConstants.hostProcessMemory.value
                name(.unified(platform: host.platformName, memoryGiB: memoryGiB, reserveGiB: host.osReserveGB))
            }
        case .unifiedSoC, .cpu:
            limitGiB = memoryGiB - host.osReserveGB - FitConstants.hostProcessMemory.value
            name(.unified(platform: host.platformName, memoryGiB: memoryGiB, reserveGiB: host.osReserveGB))
        case .apu:
            let share = host.sharedGPUMemoryFraction ?? FitConstants.apuDefaultGPUShare.value
            limitGiB = memoryGiB * share
            name(.sharedAPU(platform: host.platformName, memoryGiB: memoryGiB, share: share))
        case .discreteGPU:
            // Only the card that drives the display (the host's first discrete GPU) loses memory to it.
            let drivesDisplay = device.drivesDisplay
            let reserve = drivesDisplay ? host.displayReserveGB ?? 0 : 0
            limitGiB = memoryGiB - reserve
            name(.discrete(
                platform: host.platformName, memoryGiB: memoryGiB, displayReserveGiB: reserve,
                displayElsewhere: !drivesDisplay && (host.displayReserveGB ?? 0) > 0))
        }
        if let fraction = rules.memoryFraction {
            // A runtime that claims a share of the card (vLLM) claims it of the total; what the
            // display holds comes out of that share.
            let reserve = device.kind == .discreteGPU ? memoryGiB - limitGiB : 0
            if memoryGiB * fraction - reserve < limitGiB {
                limitGiB = memoryGiB * fraction - reserve
                name(.runtimeClaim(runtime: runtimeName, memoryGiB: memoryGiB, fraction: fraction, displayReserveGiB: reserve))
            }
        }
        let overhead = (rules.deviceOverheadGiB ?? defaultOverheadGiB(backend)) + (rules.activationReserveGiB ?? 0)
        let margin = rules.safetyMarginGiB ?? FitConstants.safetyMargin.value
        let budget = MemoryBudget(limitBytes: max(0, limitGiB) * gib, overheadBytes: overhead * gib, marginBytes: margin * gib)
        return (budget, rule)
    }

    static func defaultOverheadGiB(_ backend: Backend) -> Double {
        switch backend {
        case .cuda, .rocm: FitConstants.deviceOverheadCUDA.value
        case .metal: FitConstants.deviceOverheadMetal.value
        case .vulkan, .sycl: FitConstants.deviceOverheadOther.value
        case .cpu: 0
        }
    }
}

/// The numbers of `UsableMemory` without the rule that explains them: what the engine reads for
/// every plan it weighs. Plain numbers, so that reading them costs no reference counting (the
/// rule holds strings); the rule is worked out again for the ledger of the plan shown.
struct MemoryBudget {
    let limitBytes: Double
    let overheadBytes: Double
    let marginBytes: Double

    /// What is left for weights, KV cache and buffers.
    var capacityBytes: Double { max(0, limitBytes - overheadBytes - marginBytes) }

    /// The usable memory the verdict measures headroom against (limit minus margin).
    var usableBytesForVerdict: Double { max(0, limitBytes - marginBytes) }
}

/// Which rule set a device's memory limit, with the numbers to explain it.
public enum LimitRule: Sendable, CustomStringConvertible {
    case wiredLimit(platform: String, memoryGiB: Double, fraction: Double?, reserveGiB: Double?)
    case raisedWiredLimit(memoryGiB: Double, keepFreeGiB: Double, command: String?)
    case unified(platform: String, memoryGiB: Double, reserveGiB: Double)
    case sharedAPU(platform: String, memoryGiB: Double, share: Double)
    case discrete(platform: String, memoryGiB: Double, displayReserveGiB: Double, displayElsewhere: Bool)
    case runtimeClaim(runtime: String, memoryGiB: Double, fraction: Double, displayReserveGiB: Double)
    case hostRAM(platform: String, memoryGiB: Double, reserveGiB: Double, unifiedGiB: Double)

    public var description: String {
        switch self {
        case .wiredLimit(let platform, let memory, let fraction, let reserve):
            if let reserve { return "\(platform) default GPU wired limit: \(gibText(memory)) minus \(gibText(reserve))" }
            return "\(platform) default GPU wired limit: \(percent(fraction ?? 0)) of \(gibText(memory))"
        case .raisedWiredLimit(let memory, let keepFree, let command):
            let value = String(wholeCount((memory - keepFree) * 1024))
            return "raised GPU wired limit: \(gibText(memory)) minus \(gibText(keepFree)) for macOS"
                + (command.map { " (set with `\($0.replacingOccurrences(of: "<MB>", with: value))`)" } ?? "")
        case .unified(let platform, let memory, let reserve):
            return "\(gibText(memory)) unified memory minus \(gibText(reserve)) for \(platform) and \(gibText(FitConstants.hostProcessMemory.value)) for the runtime process"
        case .sharedAPU(let platform, let memory, let share):
            return "\(percent(share)) of \(gibText(memory)) shared memory assigned to the GPU on \(platform)"
        case .discrete(let platform, let memory, let reserve, let elsewhere):
            if reserve > 0 { return "\(gibText(memory)) minus \(gibText(reserve)) the display keeps on \(platform)" }
            return elsewhere
                ? "all \(gibText(memory)) (the display is on another card)"
                : "all \(gibText(memory)) (\(platform): no display reserve)"
        case .runtimeClaim(let runtime, let memory, let fraction, let reserve):
            return "\(runtime) claims \(percent(fraction)) of \(gibText(memory))"
                + (reserve > 0 ? ", less \(gibText(reserve)) the display keeps" : "")
        case .hostRAM(let platform, let memory, let reserve, let unified):
            return "\(gibText(memory)) system RAM minus \(gibText(reserve)) for \(platform) and \(gibText(FitConstants.hostProcessMemory.value)) for the runtime process"
                + (unified > 0 ? ", minus \(gibText(unified)) the GPU uses" : "")
        }
    }

    /// Whether raising the macOS wired limit would change this rule.
    public var isDefaultWiredLimit: Bool {
        if case .wiredLimit = self { return true }
        return false
    }
}

func gibText(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return wholeOrDecimal(rounded) + " GiB"
}

func percent(_ fraction: Double) -> String {
    let value = (fraction * 1000).rounded() / 10
    return wholeOrDecimal(value) + "%"
}

/// "12" for a whole number, "12.5" otherwise. `Int(_:)` would trap on a number beyond an
/// integer's range (the KV cache of a context of 2^63 tokens), so those print as Swift does.
private func wholeOrDecimal(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
