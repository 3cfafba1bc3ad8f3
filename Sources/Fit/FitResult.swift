import Catalog

public enum Verdict: String, Sendable, Comparable, CaseIterable {
    case fits
    case tight
    case noFit = "no-fit"
    case unsupported

    /// How a reader sees it.
    public var label: String {
        switch self {
        case .fits: "Fits comfortably"
        case .tight: "Borderline"
        case .noFit: "Won't fit"
        case .unsupported: "Unsupported"
        }
    }

    private var rank: Int {
        switch self {
        case .fits: 0
        case .tight: 1
        case .noFit: 2
        case .unsupported: 3
        }
    }

    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

/// Why a strategy the runtime offers cannot be used on this hardware. Kept as data and put
/// into words only when shown, so that evaluating stays cheap.
public enum Refusal: Sendable, CustomStringConvertible {
    case mixedVendors(runtime: String, vendors: [Vendor])
    case denseModel(model: String)
    case singleMachine(runtime: String, machines: Int)
    case link(runtime: String, link: String)
    case tensorParallelLink(runtime: String)
    case indivisible(model: String, value: Int, dimension: TensorParallelDimension, devices: Int)
    case kvCacheForTensorParallel(runtime: String, types: [KVCacheType])
    case attentionForTensorParallel(runtime: String, model: String, attention: AttentionKind)
    case backendForTensorParallel(runtime: String, backend: Backend, backends: [Backend])

    public var description: String {
        switch self {
        case .mixedVendors(let runtime, let vendors):
            "\(runtime) cannot mix \(listing(vendors.map(\.label), conjunction: "and")) devices in one model"
        case .denseModel(let model):
            "\(model) is a dense model; only mixture-of-experts models can leave experts in system RAM"
        case .singleMachine(let runtime, let machines):
            "\(runtime) runs a model within one machine; it cannot span these \(machines)"
        case .link(let runtime, let link):
            "\(runtime) cannot carry traffic over \(link)"
        case .tensorParallelLink(let runtime):
            "\(runtime) cannot carry tensor-parallel traffic over this link"
        case .indivisible(let model, let value, let dimension, let devices):
            "\(model) has \(value) \(dimension.label), which do not divide by \(devices) devices"
        case .kvCacheForTensorParallel(let runtime, let types):
            "\(runtime) allows only a \(listing(types.map(\.label))) KV cache with tensor parallelism"
        case .attentionForTensorParallel(let runtime, let model, let attention):
            "\(runtime) does not split \(model) by tensors: models with \(attention.label.lowercased()) are on its exclusion list"
        case .backendForTensorParallel(let runtime, let backend, let backends):
            "\(runtime) splits by tensors only on \(listing(backends.map(\.label))), not \(backend.label)"
        }
    }
}

/// One device's memory, as `llama.cpp --fit` prints it: what it may use, and what the placement
/// puts on it. Bytes throughout.
public struct DeviceLedger: Sendable {
    public let label: String
    public let deviceName: String
    /// System RAM holding CPU-resident layers or experts, rather than a device.
    public let isHostRAM: Bool
    public let limitBytes: Double
    /// The rule that set the limit.
    public let rule: LimitRule
    public let marginBytes: Double
    public let overheadBytes: Double
    public let weightBytes: Double
    public let kvBytes: Double
    public let bufferBytes: Double
    /// Layers placed on it: `firstLayer..<firstLayer + layers` (0-based), when it holds whole layers.
    public let firstLayer: Int
    public let layers: Int
    /// What the layers on it hold, when that differs from whole layers ("experts of 12 layers").
    public let note: String?

    /// Limit minus the runtime's safety margin: what the placement may fill.
    public var usableBytes: Double { max(0, limitBytes - marginBytes) }
    public var neededBytes: Double { weightBytes + kvBytes + bufferBytes + overheadBytes }
    public var headroomBytes: Double { usableBytes - neededBytes }
    /// Headroom as a share of usable memory (negative when short).
    public var headroom: Double { usableBytes > 0 ? headroomBytes / usableBytes : -1 }
}

/// A speed estimate in tokens per second, with the range shown around it.
public struct SpeedEstimate: Sendable {
    public let tokensPerSecond: Double
    /// The estimate at the request's full context (decode slows as the KV cache grows).
    public let atFullContext: Double
    /// The range shown around the estimate, worked out when read: a site keeps several hundred
    /// thousand results, each with two estimates.
    public var low: Double { atFullContext * (1 - FitConstants.estimateBand.value) }
    public var high: Double { tokensPerSecond * (1 + FitConstants.estimateBand.value) }

    init(_ value: Double, atFullContext: Double? = nil) {
        tokensPerSecond = value
        self.atFullContext = atFullContext ?? value
    }
}

/// The answer for one model on one configuration.
public struct FitResult: Sendable {
    public let verdict: Verdict
    /// The strategy chosen (the fastest that fits, or the closest to fitting).
    public let strategy: SplitStrategy?
    /// Why it cannot run at all, for `unsupported`.
    public let unsupportedReason: String?
    public let ledger: [DeviceLedger]
    /// Decode speed of one stream at the start of a conversation; `low` is at the full context.
    public let decode: SpeedEstimate?
    /// Prompt processing for the request's prompt length.
    public let prefill: SpeedEstimate?
    /// What a `brief()` copy keeps of the ledger it drops (nil in a full result).
    private let briefLedger: BriefLedger?
    /// What only a full ledger view reads, behind one reference: a site holds hundreds of
    /// thousands of brief results, and these inline (the footprint alone is 15 numbers) made
    /// each several times larger. Nil in a `brief()` copy.
    private let details: Details?

    private final class Details: Sendable {
        let runnerUp: Alternative?
        let refused: [Alternative]
        let notes: [String]
        let footprint: ModelFootprint?

        init(runnerUp: Alternative?, refused: [Alternative], notes: [String], footprint: ModelFootprint?) {
            self.runnerUp = runnerUp
            self.refused = refused
            self.notes = notes
            self.footprint = footprint
        }
    }

    init(
        verdict: Verdict, strategy: SplitStrategy?, unsupportedReason: String?, ledger: [DeviceLedger], decode: SpeedEstimate?,
        prefill: SpeedEstimate?, runnerUp: Alternative?, refused: [Alternative], notes: [String], footprint: ModelFootprint?
    ) {
        self.verdict = verdict
        self.strategy = strategy
        self.unsupportedReason = unsupportedReason
        self.ledger = ledger
        self.decode = decode
        self.prefill = prefill
        briefLedger = nil
        details = runnerUp == nil && refused.isEmpty && notes.isEmpty && footprint == nil
            ? nil : Details(runnerUp: runnerUp, refused: refused, notes: notes, footprint: footprint)
    }

    private init(briefOf result: FitResult) {
        verdict = result.verdict
        strategy = result.strategy
        unsupportedReason = result.unsupportedReason
        ledger = []
        decode = result.decode
        prefill = result.prefill
        briefLedger = BriefLedger(count: result.ledgerCount, minimumHeadroom: result.minimumHeadroom, fullestDevice: result.fullestDevice)
        details = nil
    }

    private struct BriefLedger: Sendable {
        let count: Int
        let minimumHeadroom: Double
        let fullestDevice: DeviceFill?
    }

    /// The second-best strategy, to show what the choice was against.
    public var runnerUp: Alternative? { details?.runnerUp }
    /// Strategies the runtime offers that could not be used here, with why.
    public var refused: [Alternative] { details?.refused ?? [] }
    /// Notes on assumptions made (assumed host RAM, fallback transport).
    public var notes: [String] { details?.notes ?? [] }
    /// The footprint the numbers came from.
    public var footprint: ModelFootprint? { details?.footprint }

    /// How many devices (and system RAM) the placement used, even in a `brief()` copy.
    public var ledgerCount: Int { briefLedger?.count ?? ledger.count }

    public struct Alternative: Sendable {
        public let strategy: SplitStrategy
        public let verdict: Verdict
        public let decodeTokensPerSecond: Double?
        public let refusal: Refusal?

        /// Why the strategy cannot be used here, in words.
        public var reason: String? { refusal?.description }
    }

    /// The smallest headroom across devices (negative when short).
    public var minimumHeadroom: Double { briefLedger?.minimumHeadroom ?? ledger.map(\.headroom).min() ?? -1 }

    /// The device (not system RAM) closest to its limit, by the share of usable memory needed:
    /// the first such device when several are as full.
    public var fullestDevice: DeviceFill? {
        if let briefLedger { return briefLedger.fullestDevice }
        return ledger.filter { !$0.isHostRAM }
            .max { $0.neededBytes / max($0.usableBytes, 1) < $1.neededBytes / max($1.usableBytes, 1) }
            .map { DeviceFill(label: $0.label, neededBytes: $0.neededBytes, usableBytes: $0.usableBytes) }
    }

    /// The result as a one-line summary reads it: verdict, strategy, speeds, the reason it is
    /// unsupported, `minimumHeadroom`, `fullestDevice` and `ledgerCount` all as before, but no
    /// ledger, runner-up, refusals, notes or footprint. A site keeps hundreds of thousands of
    /// answers it shows in a line each; the full ledger of a 64-GPU cluster for each was most
    /// of a build's memory.
    public func brief() -> FitResult {
        briefLedger == nil ? FitResult(briefOf: self) : self
    }
}

/// How full one device is: what a one-line summary says of the fullest ("31.2 of 46.5 GiB on mini 2").
public struct DeviceFill: Sendable, Equatable {
    public let label: String
    public let neededBytes: Double
    public let usableBytes: Double
}

/// The numbers of a fit without its words: verdict, strategy, headroom and speeds. What the
/// site's tables of every model on every configuration are built from.
public struct FitSummary: Sendable, Equatable {
    public let verdict: Verdict
    public let strategy: SplitStrategy?
    /// The smallest headroom across devices, as a share of usable memory (negative when short).
    public let minimumHeadroom: Double
    public let decodeTokensPerSecond: Double?
    public let decodeTokensPerSecondAtFullContext: Double?
    public let prefillTokensPerSecond: Double?
}
