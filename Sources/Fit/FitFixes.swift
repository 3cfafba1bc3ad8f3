import Catalog

/// A change that would make a configuration fit (or fit more comfortably), evaluated again.
public struct FitFix: Sendable {
    public enum Change: Sendable {
        case quant(String)
        case context(Int)
        case kvCacheType(KVCacheType)
        case raiseWiredLimit
        case addDevice(String)
        case runtime(String, quant: String)
    }

    public let change: Change
    /// The change in words: "use Q4_K_M (39.6 GiB instead of 70.0 GiB)".
    public let description: String
    public let result: FitResult

    /// The fix with its result `brief()`: what a list of fixes shows (verdict and speed).
    public func brief() -> FitFix { FitFix(change: change, description: description, result: result.brief()) }
}

extension FitEngine {
    /// Up to `limit` changes that improve the verdict, each re-evaluated, the least disruptive
    /// first: a smaller quant, a shorter context, a quantized KV cache, a raised wired limit, one
    /// more device, another runtime. Another runtime is one of `runtimes` when given (a combo
    /// suggests only runtimes it says work on it), else any in the catalog.
    public static func fixes(
        for request: FitRequest, on hardware: Hardware, result: FitResult,
        catalog: Catalog, runtimes: [Runtime]? = nil, limit: Int = 3
    ) -> [FitFix] {
        guard result.verdict != .fits else { return [] }
        var fixes: [FitFix] = []
        func consider(_ change: FitFix.Change, _ description: String, _ request: FitRequest, _ hardware: Hardware) {
            guard fixes.count < limit else { return }
            let candidate = evaluate(request, on: hardware)
            let better = candidate.verdict < result.verdict
                || (candidate.verdict == result.verdict && candidate.verdict == .tight && candidate.minimumHeadroom > result.minimumHeadroom + 0.05)
            guard better, candidate.verdict != .unsupported else { return }
            fixes.append(FitFix(change: change, description: description, result: candidate))
        }

        if result.verdict != .unsupported {
            // A smaller quant of the same model in a format this runtime loads.
            let current = ModelFootprint(model: request.model, quant: request.quant, kvCacheType: request.kvCacheType).totalWeightBytes
            let smaller = request.model.quants
                .filter { request.runtime.formats.contains($0.format) && $0.name != request.quant.name }
                .map { ($0, ModelFootprint(model: request.model, quant: $0, kvCacheType: request.kvCacheType).totalWeightBytes) }
                .filter { $0.1 < current }
                .sorted { $0.1 > $1.1 }
            for (quant, bytes) in smaller {
                var changed = request
                changed.quant = quant
                let before = fixes.count
                consider(.quant(quant.name), "use \(quant.name) (\(gibText(bytes / FitConstants.gibibyte)) of weights instead of \(gibText(current / FitConstants.gibibyte)))", changed, hardware)
                if fixes.count > before { break }
            }

            // The longest context that fits.
            if let tokens = longestFittingContext(request, hardware), tokens < request.contextTokens {
                var changed = request
                changed.contextTokens = tokens
                changed.promptTokens = min(request.promptTokens, tokens)
                consider(.context(tokens), "cut the context to \(tokens) tokens", changed, hardware)
            }

            // A quantized KV cache.
            if [.f16, .bf16].contains(request.kvCacheType), request.runtime.fit.kvCacheTypes.contains(.q8_0) {
                var changed = request
                changed.kvCacheType = .q8_0
                consider(.kvCacheType(.q8_0), "store the KV cache as q8_0 (half the size of f16)", changed, hardware)
            }

            // Raise the macOS GPU wired limit.
            if !request.raisedWiredLimit, result.ledger.contains(where: { $0.rule.isDefaultWiredLimit }) {
                var changed = request
                changed.raisedWiredLimit = true
                let command = hardware.hosts.first?.platform.raiseWiredLimit.map { " with `\($0)`" } ?? ""
                consider(.raiseWiredLimit, "raise the GPU wired limit\(command)", changed, hardware)
            }

            // One more of the last device, in a single machine.
            if hardware.hostCount == 1, let last = hardware.devices.last, !last.isUnified,
               let device = catalog[RecordID<Device>(last.id)] {
                var list: [(Device, Int)] = []
                for fitDevice in hardware.devices {
                    guard let record = catalog[RecordID<Device>(fitDevice.id)] else { continue }
                    if let index = list.firstIndex(where: { $0.0.id == record.id }) { list[index].1 += 1 } else { list.append((record, 1)) }
                }
                if let index = list.firstIndex(where: { $0.0.id == device.id }) { list[index].1 += 1 }
                let host = hardware.hosts[0]
                let bigger = Hardware(devices: list, platform: host.platform, hostRAMGB: host.ramBytes / FitConstants.gibibyte,
                                      deviceLink: host.deviceLink)
                consider(.addDevice(device.id.raw), "add one more \(device.name)", request, bigger)
            }
        }

        // Another runtime, with this model's nearest quant in a format it loads.
        for runtime in runtimes ?? Array(catalog.runtimes) where runtime.id != request.runtime.id {
            guard hardware.hosts.allSatisfy({ runtime.platforms.contains($0.platform.family) }) else { continue }
            let target = request.quant.bitsPerWeight ?? ModelFootprint(model: request.model, quant: request.quant, kvCacheType: .f16).bitsPerWeight
            guard let quant = request.model.quants.filter({ runtime.formats.contains($0.format) })
                .min(by: { abs(bits($0, request.model) - target) < abs(bits($1, request.model) - target) }) else { continue }
            var changed = request
            changed.runtime = runtime
            changed.quant = quant
            if !runtime.fit.kvCacheTypes.contains(changed.kvCacheType) { changed.kvCacheType = runtime.fit.kvCacheTypes[0] }
            consider(.runtime(runtime.id.raw, quant: quant.name), "run it with \(runtime.name) (\(quant.name))", changed, hardware)
        }
        return fixes
    }

    private static func bits(_ quant: Quant, _ model: Model) -> Double {
        ModelFootprint(model: model, quant: quant, kvCacheType: .f16).bitsPerWeight
    }

    /// The longest context (a multiple of 1,024 tokens, at least 1,024) at which the request
    /// fits with comfortable headroom, or nil when even the shortest does not.
    public static func longestFittingContext(_ request: FitRequest, _ hardware: Hardware) -> Int? {
        func fits(_ tokens: Int) -> Bool {
            var changed = request
            changed.contextTokens = tokens
            changed.promptTokens = min(request.promptTokens, tokens)
            let verdict = evaluate(changed, on: hardware).verdict
            return verdict == .fits || verdict == .tight
        }
        guard fits(1024) else { return nil }
        var low = 1
        var high = max(1, request.model.maxContext / 1024)
        if fits(high * 1024) { return high * 1024 }
        while high - low > 1 {
            let middle = (low + high) / 2
            if fits(middle * 1024) { low = middle } else { high = middle }
        }
        return low * 1024
    }
}
