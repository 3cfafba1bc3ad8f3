import Catalog
import Fit
import Foundation

/// `/will-it-run/custom/`: the builder. The page carries the controls and, for readers without
/// JavaScript, the results of its default configuration worked out at build time; the script
/// (`assets/builder.js` on `assets/fit.js`) answers any other configuration in the browser.
struct BuilderPage: Sendable {
    let meta: PageMeta
    let title: String
    let methodologyHref: String
    let engineHref: String
    let builderHref: String
    let dataHref: String
    let query: String
    let configuration: String
    let contextTokens: String
    let deviceGroups: [OptionGroup]
    let machines: [Option]
    let platforms: [Option]
    let runtimes: [Option]
    let interconnects: [Option]
    let transports: [Option]
    let shapes: [Option]
    let kvCacheTypes: [Option]
    let contexts: [Option]
    let presets: [Option]
    let facts: [Fact]
    let tiers: [WillItRunPage.Tier]

    struct Option: Sendable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct OptionGroup: Sendable {
        let label: String
        let options: [Option]
    }

    init(query: BuilderQuery, fits: SiteFits, context: inout PageContext) {
        let catalog = context.catalog
        title = "Will it run? Build a configuration"
        meta = context.meta(
            title: title,
            description: "Choose GPUs or machines, mix cards, switch the OS and the runtime, and see which catalog models still fit, how they split and how fast they run.",
            breadcrumbs: [("Will it run?", nil)])
        methodologyHref = context.href(Route.methodology)
        engineHref = context.href(Route.asset("fit.js"))
        builderHref = context.href(Route.asset("builder.js"))
        dataHref = context.href(Route.builderData)
        self.query = query.text
        contextTokens = Format.context(query.context)

        var groups: [OptionGroup] = []
        for vendor in Vendor.allCases {
            let options = catalog.devices.filter { $0.vendor == vendor }.map { Option(value: $0.id.raw, label: $0.name, selected: false) }
            if !options.isEmpty { groups.append(OptionGroup(label: vendor.label, options: options)) }
        }
        deviceGroups = groups
        machines = catalog.machines.map { Option(value: $0.id.raw, label: $0.name, selected: false) }
        platforms = catalog.platforms.map { Option(value: $0.id.raw, label: $0.name, selected: $0.id.raw == query.platform) }
        runtimes = catalog.runtimes.map { Option(value: $0.id.raw, label: $0.name, selected: query.runtimes.contains($0.id.raw)) }
        interconnects = Interconnect.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == .thunderbolt5) }
        transports = Transport.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == .tcpIP) }
        shapes = TopologyShape.allCases.filter { $0 != .singleBox }.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == .fullMesh) }
        kvCacheTypes = KVCacheType.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: $0 == query.kvCacheType) }
        contexts = [2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144].map {
            Option(value: String($0), label: Format.context($0), selected: $0 == query.context)
        }
        presets = catalog.combos.compactMap { combo in
            BuilderQuery(combo: combo, catalog: catalog).map { Option(value: $0.text, label: combo.title, selected: false) }
        }

        guard let hardware = query.hardware(catalog) else {
            configuration = "The default configuration names records the catalog does not have."
            facts = []
            tiers = []
            return
        }
        configuration = Self.describe(query, catalog)
        _ = hardware
        let answers = query == .defaults ? fits.builderAnswers : SiteFits.builderAnswers(query, catalog)
        func rows(_ verdict: Verdict) -> [HTML] {
            answers.filter { $0.result.verdict == verdict }.map { FitRowView.fragment($0, context: &context) }
        }
        let comfortable = Format.percent(FitConstants.comfortableHeadroom.value)
        tiers = [
            .init(id: "fits", title: "Fits comfortably", explanation: "At least \(comfortable) of usable memory left free on every device.",
                  rows: rows(.fits), emptyText: "Nothing fits comfortably."),
            .init(id: "borderline", title: "Borderline", explanation: "Fits, but some device keeps less than \(comfortable) free.",
                  rows: rows(.tight), emptyText: "Nothing is borderline."),
            .init(id: "wont-fit", title: "Won't fit", explanation: "Some device is short of memory with every split the runtimes offer.",
                  rows: rows(.noFit), emptyText: "Everything fits."),
            .init(id: "unsupported", title: "Unsupported", explanation: "No chosen runtime can run it here; each row says why.",
                  rows: rows(.unsupported), emptyText: "Every runtime chosen can run every model."),
        ]
        facts = tiers.map { Fact($0.title, "\($0.rows.count)", href: "#" + $0.id) }
    }

    /// The best answer for a quant among the runtimes (each tried, the best kept), as the script does.
    static func answer(
        _ model: Model, _ quant: Quant, _ runtimes: [Runtime], _ hardware: Hardware, _ query: BuilderQuery, _ catalog: Catalog
    ) -> SiteFits.Answer? {
        var best: (Runtime, FitResult)?
        for runtime in runtimes {
            let request = FitRequest(model: model, quant: quant, runtime: runtime, contextTokens: query.context, kvCacheType: query.kvCacheType)
            let result = FitEngine.evaluate(request, on: hardware)
            if best.map({ FitChoices.isBetter(result, than: $0.1) }) ?? true { best = (runtime, result) }
        }
        guard let (runtime, _) = best else { return nil }
        return SiteFits.answer(model, quant, runtime, hardware, catalog, context: query.context, kvCacheType: query.kvCacheType, detailed: true)
    }

    /// "2× NVIDIA GeForce RTX 3090 on Linux (…)".
    static func describe(_ query: BuilderQuery, _ catalog: Catalog) -> String {
        let parts: [String]
        if !query.machines.isEmpty {
            parts = query.machines.map { Format.count($0.count) + (catalog[RecordID<Machine>($0.id)]?.name ?? $0.id) }
        } else {
            parts = query.devices.map { Format.count($0.count) + (catalog[RecordID<Device>($0.id)]?.name ?? $0.id) }
        }
        let platform = query.platform.flatMap { catalog[RecordID<Platform>($0)]?.name } ?? "no platform"
        return parts.joined(separator: " + ") + " on " + platform
    }
}
