import Catalog

/// `/hardware/<id>/`: a device's spec card, where it is used, and its sources.
struct DevicePage: Sendable {
    let meta: PageMeta
    let title: String
    let summary: String?
    let facts: [Fact]
    let machines: [LinkView]
    let combos: [LinkView]
    let sources: [SourceView]

    init(device: Device, backlinks: Backlinks, context: inout PageContext) {
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
            if let note = price.note { facts.append(Fact("About the price", note)) }
        }
        facts.append(Fact("Backends", device.backends.map(\.label).joined(separator: ", ")))
        facts.append(Fact("Operating systems", device.os.map(\.label).joined(separator: ", ")))
        if let pcie = device.pcie {
            facts.append(Fact("Host interface", "\(pcie.label) (\(Format.bandwidth(pcie.bandwidthGBs)) each way)"))
        }
        if let nvlink = device.nvlinkGBs { facts.append(Fact("NVLink", Format.bandwidth(nvlink))) }
        self.facts = facts
        machines = (backlinks.machinesByDevice[device.id] ?? []).map { context.link($0.name, to: Route.machine($0.id)) }
        combos = (backlinks.combosByDevice[device.id] ?? []).map { context.link($0.title, to: Route.combo($0.id)) }
        sources = device.sources.views
    }
}
