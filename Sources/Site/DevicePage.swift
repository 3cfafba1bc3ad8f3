import Catalog
import Fit

/// `/hardware/<id>/`: a device's spec card, where it is used, and its sources.
struct DevicePage: Sendable {
    let meta: PageMeta
    /// Records that share devices, machines, runtimes or models with this one.
    let seeAlso: [LinkGroup]
    let title: String
    let summary: String?
    let facts: [Fact]
    let machines: [LinkView]
    let combos: [LinkView]
    let moreCombos: MoreView?
    let sources: [SourceView]
    /// What runs on one of it: each model at 4-bit, and the most faithful quant that fits.
    let runs: [RunsOnView]
    let tooBig: [LinkView]
    let setting: String?
    let methodologyHref: String

    init(device: Device, backlinks: Backlinks, fits: SiteFits, related relatedRecords: RelatedRecords, context: inout PageContext) {
        seeAlso = relatedRecords.groups(for: .init(kind: .device, id: device.id.raw), excluding: [], &context)
        meta = context.meta(
            title: device.name, description: device.summary ?? "\(device.name): memory, bandwidth, power and where it is used.",
            breadcrumbs: [("Hardware", Route.index(of: .device)), (device.name, nil)])
        title = device.name
        summary = device.summary
        var facts: [Fact] = [
            Fact("Vendor", device.vendor.label),
            Fact("Kind", device.kind.label),
        ]
        if let chip = device.chip { facts.append(Fact("Chip", chip)) }
        if let cores = device.gpuCores { facts.append(Fact("GPU cores", "\(cores)")) }
        facts.append(Fact("Memory", "\(Format.gigabytes(device.memoryGB)) \(device.memoryDescription)"))
        if !device.memoryOptionsGB.isEmpty {
            facts.append(Fact("Shipped with", listing(device.memoryOptionsGB.map(Format.gigabytes))))
        }
        facts.append(Fact("Memory bandwidth", Format.bandwidth(device.bandwidthGBs)))
        if let tflops = device.fp16TFLOPS { facts.append(Fact("FP16 dense", "\(Format.number(tflops, decimals: 1)) TFLOPS")) }
        if let power = device.powerW { facts.append(Fact("Power", Format.watts(power))) }
        if let price = device.price {
            facts.append(Fact("Price", Format.price(price)))
            if let note = price.note { facts.append(Fact.note("About the price", note)) }
        }
        facts.append(Fact("Backends", device.backends.map(\.label).joined(separator: ", ")))
        facts.append(Fact("Operating systems", device.os.map(\.label).joined(separator: ", ")))
        if let pcie = device.pcie {
            facts.append(Fact("Host interface", "\(pcie.label) (\(Format.bandwidth(pcie.bandwidthGBs)) each way)"))
        }
        if let nvlink = device.nvlinkGBs { facts.append(Fact("NVLink", Format.bandwidth(nvlink))) }
        self.facts = facts
        machines = (backlinks.machinesByDevice[device.id] ?? []).map { context.link($0.name, to: Route.machine($0.id)) }
        let (shownCombos, hiddenCombos) = ListLimit.cap(backlinks.combos(withDevice: device.id))
        combos = shownCombos.map { context.link($0.title, to: Route.combo($0.id)) }
        moreCombos = MoreView(
            hidden: hiddenCombos, noun: "combos that use it",
            link: context.link("Browse every combo", to: Route.index(of: .combo)))
        sources = device.sources.views

        methodologyHref = context.href(Route.methodology)
        var runs: [(RunsOnView, Verdict, Double)] = []
        var tooBig: [LinkView] = []
        if let fit = fits.devices[device.id] {
            let runtimes = FitChoices.runtimes(for: fit.hardware, in: context.catalog).map(\.name)
            let ram = fit.hardware.hosts.first.map { $0.ramAssumed ? ", with \(Format.gib($0.ramBytes)) of system RAM assumed for offloading" : "" } ?? ""
            setting = "One \(device.name) on \(fit.platform.name) under \(listing(runtimes, conjunction: "or"))\(ram), at \(Format.context(SiteFits.context)) of context and one stream."
            for model in context.catalog.models {
                let link = context.link(model.name, to: Route.model(model.id))
                let faithful = fit.mostFaithful[model.id]
                guard let answer = fit.fourBit[model.id],
                      faithful != nil || answer.result.verdict == .fits || answer.result.verdict == .tight else {
                    tooBig.append(link)
                    continue
                }
                runs.append((RunsOnView(subject: link, answer: answer, mostFaithful: faithful, detail: nil, context: context),
                             answer.result.verdict, answer.result.decode?.tokensPerSecond ?? 0))
            }
        } else {
            setting = nil
        }
        self.runs = runs.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.2 > $1.2 }.map(\.0)
        self.tooBig = tooBig
    }
}
