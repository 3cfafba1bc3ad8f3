import Catalog
import Fit

/// `/methodology/`: how the fit engine makes its estimates, generated from the engine's own
/// constants and from the platform and runtime records, so the page cannot drift from the code.
struct MethodologyPage: Sendable {
    let meta: PageMeta
    let title: String
    let comfortableHeadroom: String
    let contextTokens: String
    let platforms: [PlatformRule]
    let runtimes: [RuntimeRule]
    let constants: [ConstantView]
    let accuracy: String?
    let benchmarksHref: String

    struct PlatformRule: Sendable {
        let link: LinkView
        let rules: [String]
    }

    struct RuntimeRule: Sendable {
        let link: LinkView
        let overhead: String
        let margin: String
        let claim: String
        let kvCache: String
        let split: String
    }

    struct ConstantView: Sendable {
        let symbol: String
        let value: String
        let unit: String
        let meaning: String
        let source: String
    }

    init(comparisons: [BenchmarkComparison], context: inout PageContext) {
        let catalog = context.catalog
        title = "How the estimates are made"
        meta = context.meta(
            title: title,
            description: "How the fit engine decides whether a model fits a configuration and how fast it runs: usable memory per device, the memory ledger, the speed model, and every constant it uses.",
            breadcrumbs: [(title, nil)])
        comfortableHeadroom = Format.percent(FitConstants.comfortableHeadroom.value)
        contextTokens = Format.context(SiteFits.context)
        benchmarksHref = context.href(Route.index(of: .benchmark))
        platforms = catalog.platforms.map { platform in
            var rules: [String] = []
            for tier in platform.gpuWiredLimit {
                let machines = tier.ramUpToGB.map { "Machines with up to \(Format.gigabytes($0)) of RAM" } ?? "Larger machines"
                let limit = tier.reserveGB.map { "all but \(Format.gigabytes($0))" } ?? Format.percent(tier.fraction)
                rules.append("\(machines): the GPU may wire \(limit) of it.")
            }
            if let keepFree = platform.raisedLimitKeepsFreeGB {
                rules.append("With the limit raised" + (platform.raiseWiredLimit.map { " (\($0))" } ?? "")
                    + ", all but \(Format.gigabytes(keepFree)) is usable.")
            }
            if let reserve = platform.displayReserveGB, reserve > 0 {
                rules.append("A discrete GPU driving a display loses \(Format.gigabytes(reserve)) to it.")
            }
            if let share = platform.sharedGPUMemoryFraction {
                rules.append("An APU's GPU may use \(Format.percent(share)) of system RAM.")
            }
            rules.append("The OS keeps \(Format.gigabytes(platform.osReserveGB)) of system RAM for itself.")
            return PlatformRule(link: context.link(platform.name, to: Route.platform(platform.id)), rules: rules)
        }
        runtimes = catalog.runtimes.map { runtime in
            let fit = runtime.fit
            let overhead = fit.deviceOverheadGiB.map { "\(Format.number($0)) GiB" } ?? "by backend (constants below)"
            let activation = fit.activationReserveGiB.map { " + \(Format.number($0)) GiB for activations" } ?? ""
            return RuntimeRule(
                link: context.link(runtime.name, to: Route.runtime(runtime.id)),
                overhead: overhead + activation,
                margin: fit.safetyMarginGiB.map { "\(Format.number($0)) GiB" } ?? "\(Format.number(FitConstants.safetyMargin.value)) GiB (default)",
                claim: fit.memoryFraction.map { "\(Format.percent($0)) of each device" } ?? "what the platform allows",
                kvCache: listing(fit.kvCacheTypes.map(\.label), conjunction: "or"),
                split: listing(runtime.splitStrategies.map { $0.label.lowercased() }, conjunction: "and"))
        }
        constants = FitConstants.all.map {
            ConstantView(symbol: $0.symbol, value: Format.number($0.value, decimals: 4), unit: $0.unit, meaning: $0.meaning, source: $0.source)
        }
        accuracy = EstimateErrors(decodeOf: comparisons).map {
            "Against the \($0.count) published decode measurements in the catalog, the median estimate is \(Format.percent($0.median)) off and the worst \(Format.percent($0.worst))."
        }
    }
}
