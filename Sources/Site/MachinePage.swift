import Catalog

/// `/machines/<id>/`: what is inside a machine, its ports, power and price, and the combos built on it.
struct MachinePage: Sendable {
    let meta: PageMeta
    /// Records that share devices, machines, runtimes or models with this one.
    let seeAlso: [LinkGroup]
    let title: String
    let summary: String?
    let facts: [Fact]
    let devices: [ComponentLine]
    /// "PCIe 5.0 x16, 63 GB/s per device. <note>": one or more sentences, with their stop.
    let deviceLink: String?
    let ports: [String]
    let combos: [LinkView]
    let moreCombos: MoreView?
    let sources: [SourceView]

    init(machine: Machine, backlinks: Backlinks, related relatedRecords: RelatedRecords, context: inout PageContext) {
        seeAlso = relatedRecords.groups(for: .init(kind: .machine, id: machine.id.raw), excluding: [], &context)
        let catalog = context.catalog
        meta = context.meta(
            title: machine.name, description: machine.summary ?? "\(machine.name): devices, memory, ports, power and price.",
            breadcrumbs: [("Machines", Route.index(of: .machine)), (machine.name, nil)])
        title = machine.name
        summary = machine.summary
        var facts: [Fact] = [
            Fact("Vendor", machine.vendor),
            Fact("Form factor", machine.formFactor.label),
        ]
        if let cpu = machine.cpu { facts.append(Fact("CPU", cpu)) }
        facts.append(Fact("System RAM", Format.gigabytes(machine.hostRAMGB)))
        if let bandwidth = machine.hostRAMBandwidthGBs { facts.append(Fact("RAM bandwidth", Format.bandwidth(bandwidth))) }
        facts.append(Fact("Power (max)", Format.watts(machine.powerW)))
        if let price = machine.price {
            facts.append(Fact("Price", Format.price(price)))
            if let note = price.note { facts.append(Fact.note("About the price", note)) }
        }
        self.facts = facts
        devices = machine.devices.compactMap { slot in
            guard let device = catalog[slot.device.id] else { return nil }
            return ComponentLine(
                count: Format.count(slot.count),
                link: context.link(device.name, to: Route.device(device.id), from: slot.device.location),
                detail: "\(Format.gigabytes(device.memoryGB)) · \(Format.bandwidth(device.bandwidthGBs))")
        }
        deviceLink = machine.deviceLink.map { link in
            Self.sentence("\(link.label), \(Format.bandwidth(link.bandwidthGBs)) per device" + (link.note.map { ". \($0)" } ?? ""))
        }
        ports = machine.ports.map { port in
            "\(Format.count(port.count))\(port.kind.label) at \(Format.number(port.gbitPerSecond)) Gb/s" + (port.note.map { ": \($0)" } ?? "")
        }
        let (shownCombos, hiddenCombos) = ListLimit.cap(backlinks.combos(onMachine: machine.id))
        combos = shownCombos.map { context.link($0.title, to: Route.combo($0.id)) }
        moreCombos = MoreView(
            hidden: hiddenCombos, noun: "combos built on it",
            link: context.link("Browse every combo", to: Route.index(of: .combo)))
        sources = machine.sources.views
    }

    /// `text` ending with one stop: a note is written as a sentence, usually with its own (a
    /// template adding one more printed "..").
    static func sentence(_ text: String) -> String {
        text.hasSuffix(".") || text.hasSuffix("!") || text.hasSuffix("?") ? text : text + "."
    }
}
