import Foundation

/// Rules that span records: every reference resolves, configurations exist, and what a combo
/// claims agrees with the machine, runtime and platform records it names. Each rule is a named
/// function reporting at the place in the file that makes the claim.
enum CatalogRules {
    /// `files` are the loaded sources by display path, to quote the offending line.
    static func check(
        _ catalog: Catalog, contentRoot: String, files: [String: SourceFile],
        unreadable: [RecordKind: Set<String>] = [:], invalidPaths: Set<String> = []
    ) -> [Diagnostic] {
        var report = Report(files: files)
        let ids = KnownIDs(catalog, unreadable: unreadable)
        referencesResolve(catalog, contentRoot: contentRoot, ids: ids, &report)
        let machines = catalog.machines.filter { isClean($0, catalog, invalidPaths) }
        for machine in machines {
            unifiedMemoryMatchesChip(machine, catalog, &report)
            devicesShareAnOperatingSystem(machine, catalog, &report)
        }
        // The combos' rules on every core, a few hundred combos at a time: one after another
        // they were a fifth of a second of one core at ten thousand combos. Each slice reports
        // apart; the loader sorts every diagnostic.
        let combos = catalog.combos.all
        let slices = stride(from: 0, to: combos.count, by: 256).map { $0..<min($0 + 256, combos.count) }
        let reports = Slots<[Diagnostic]>(count: slices.count)
        let files = report.files
        DispatchQueue.concurrentPerform(iterations: slices.count) { slice in
            var part = Report(files: files)
            for index in slices[slice] {
                referencesResolve(combos[index], catalog, contentRoot: contentRoot, ids: ids, &part)
            }
            for index in slices[slice] where isClean(combos[index], catalog, invalidPaths) {
                let combo = combos[index]
                platformRunsOnEveryMachine(combo, catalog, &part)
                machinesHavePortsForTheTopology(combo, catalog, &part)
                linkTransportIsAvailable(combo, catalog, &part)
                runtimeClaimsAgreeWithRecords(combo, catalog, &part)
                recommendedRuntimesAreSupported(combo, &part)
                splitStrategiesAreOffered(combo, catalog, &part)
                benchmarkTargetsAreRunnable(combo, catalog, &part)
            }
            reports.set(slice, part.diagnostics)
        }
        for diagnostics in reports.values { report.diagnostics += diagnostics }
        for benchmark in catalog.benchmarks where isClean(benchmark, catalog, invalidPaths) {
            benchmarkQuantExists(benchmark, catalog, &report)
        }
        return report.diagnostics
    }

    /// Diagnostics with the offending line's text, read back from the file that holds it.
    struct Report {
        let files: [String: SourceFile]
        var diagnostics: [Diagnostic] = []

        mutating func error(_ message: String, at location: SourceLocation, span: Int = 1) {
            let lineText = files[location.path]?.line(location.line)
            diagnostics.append(Diagnostic(.error, at: location, message, lineText: lineText, span: span))
        }
    }

    /// True when the record and every record it names loaded without errors, so that a rule
    /// about them judges real values rather than the placeholders of a broken file.
    /// Generic, not over `any Record`: boxing each of ten thousand combos copied every one.
    static func isClean<R: ReferencesOtherRecords & Record>(_ record: R, _ catalog: Catalog, _ invalidPaths: Set<String>) -> Bool {
        if invalidPaths.contains(record.path) { return false }
        for reference in record.references {
            guard let path = catalog.path(of: reference.kind, id: reference.id) else { return false }
            if invalidPaths.contains(path) { return false }
            // A combo's machines name devices: they must be clean too.
            if reference.kind == .machine,
               catalog.references(of: .machine, id: reference.id)
                .contains(where: { catalog.path(of: $0.kind, id: $0.id).map(invalidPaths.contains) ?? true }) {
                return false
            }
        }
        return true
    }

    // MARK: References

    /// Every id a reference may name: the records', and those of files that exist but could
    /// not be read (a reference to one is not dangling).
    struct KnownIDs: Sendable {
        let ids: [RecordKind: Set<String>]

        init(_ catalog: Catalog, unreadable: [RecordKind: Set<String>]) {
            var ids: [RecordKind: Set<String>] = [:]
            for kind in RecordKind.allCases { ids[kind] = Set(catalog.ids(of: kind)).union(unreadable[kind] ?? []) }
            self.ids = ids
        }

        func contains(_ reference: AnyReference) -> Bool {
            ids[reference.kind]?.contains(reference.id) == true
        }
    }

    /// The references of every record but the combos, which `check` resolves on every core
    /// with their other rules (at ten thousand combos, 45 ms of each preview rebuild on one).
    static func referencesResolve(_ catalog: Catalog, contentRoot: String, ids: KnownIDs, _ report: inout Report) {
        // Kind by kind, each record read in place: one array of `any ReferencesOtherRecords`
        // boxed a copy of every record.
        func resolve<R: ReferencesOtherRecords>(_ records: [R]) {
            for index in records.indices {
                referencesResolve(records[index], catalog, contentRoot: contentRoot, ids: ids, &report)
            }
        }
        resolve(catalog.devices.all)
        resolve(catalog.machines.all)
        resolve(catalog.platforms.all)
        resolve(catalog.runtimes.all)
        resolve(catalog.models.all)
        resolve(catalog.stacks.all)
        resolve(catalog.guides.all)
        resolve(catalog.benchmarks.all)
    }

    /// Each record a record names exists.
    static func referencesResolve<R: ReferencesOtherRecords>(
        _ record: R, _ catalog: Catalog, contentRoot: String, ids: KnownIDs, _ report: inout Report
    ) {
        for reference in record.references where !reference.id.isEmpty && !ids.contains(reference) {
            let expected = "\(contentRoot)/\(reference.kind.folder)/\(reference.id).\(reference.kind.format.fileExtension)"
            report.error(
                "no \(reference.kind.singular) with id \"\(reference.id)\" (\(expected) does not exist)"
                    + suggestion(for: reference.id, in: catalog.ids(of: reference.kind), listing: reference.kind.plural),
                at: reference.location, span: reference.id.count)
        }
    }

    // MARK: Machines

    /// A unified-memory machine's RAM is its chip's memory, so the two must be the same size.
    static func unifiedMemoryMatchesChip(_ machine: Machine, _ catalog: Catalog, _ report: inout Report) {
        for slot in machine.devices {
            guard let device = catalog[slot.device.id], device.kind.sharesHostMemory else { continue }
            if machine.hostRAMGB != device.memoryGB {
                report.error(
                    "host_ram_gb is \(format(machine.hostRAMGB)) GB, but its chip \(device.id) is the \(format(device.memoryGB)) GB configuration; a unified-memory machine's RAM is its chip's memory",
                    at: machine.hostRAMLocation, span: format(machine.hostRAMGB).count)
            }
        }
    }

    static func devicesShareAnOperatingSystem(_ machine: Machine, _ catalog: Catalog, _ report: inout Report) {
        let devices = machine.devices.compactMap { catalog[$0.device.id] }
        guard devices.count == machine.devices.count, !devices.isEmpty else { return }
        if operatingSystems(of: machine, catalog).isEmpty {
            report.error("the devices of this machine share no operating system, so nothing can drive them together",
                         at: machine.devices[0].device.location)
        }
    }

    /// The operating systems every device of a machine runs under.
    static func operatingSystems(of machine: Machine, _ catalog: Catalog) -> Set<OSFamily> {
        machine.devices.compactMap { catalog[$0.device.id] }
            .reduce(Set(OSFamily.allCases)) { $0.intersection($1.os) }
    }

    // MARK: Combos

    static func platformRunsOnEveryMachine(_ combo: Combo, _ catalog: Catalog, _ report: inout Report) {
        guard let platform = catalog[combo.platform.id] else { return }
        for node in combo.nodes {
            guard let machine = catalog[node.machine.id] else { continue }
            let systems = operatingSystems(of: machine, catalog)
            if !systems.isEmpty, !systems.contains(platform.family) {
                report.error(
                    "platform \(platform.id) is \(platform.family.label), but \(machine.id) runs \(listing(systems.sorted().map(\.label)))",
                    at: combo.platform.location, span: platform.id.raw.count)
            }
        }
    }

    /// A full mesh of N machines needs N-1 ports of the link's kind on each machine, a ring two
    /// (one for a pair), a star one to the switch.
    static func machinesHavePortsForTheTopology(_ combo: Combo, _ catalog: Catalog, _ report: inout Report) {
        guard let link = combo.link, let portKind = PortKind.forLink(link.interconnect) else { return }
        let count = combo.nodeCount
        let needed: Int = switch combo.topology {
        case .singleBox: 0
        case .fullMesh: count - 1
        case .ring: count > 2 ? 2 : 1
        case .star: 1
        }
        for node in combo.nodes {
            guard let machine = catalog[node.machine.id] else { continue }
            let available = machine.portCount(portKind)
            if available < needed {
                report.error(
                    "a \(combo.topology.label.lowercased()) of \(count) machines needs \(needed) \(portKind.label) port\(needed == 1 ? "" : "s") on each, but \(machine.id) has \(available)",
                    at: node.machine.location, span: machine.id.raw.count)
            }
            let fastest = machine.ports.filter { $0.kind == portKind }.map(\.gbitPerSecond).max() ?? 0
            if available > 0, link.gbitPerSecond > fastest {
                report.error(
                    "the link runs at \(format(link.gbitPerSecond)) Gb/s, but the \(portKind.label) ports of \(machine.id) run at \(format(fastest)) Gb/s",
                    at: link.location)
            }
        }
    }

    /// RDMA over Thunderbolt needs Thunderbolt 5 and a platform that enables it (macOS 26.2+).
    static func linkTransportIsAvailable(_ combo: Combo, _ catalog: Catalog, _ report: inout Report) {
        guard let link = combo.link, link.transport == .rdma else { return }
        switch link.interconnect {
        case .thunderbolt4, .usb4:
            report.error("RDMA over Thunderbolt needs Thunderbolt 5; \(link.interconnect.label) carries TCP/IP only",
                         at: link.transportLocation, span: 4)
        case .thunderbolt5:
            if let platform = catalog[combo.platform.id], !platform.has(.rdmaOverThunderbolt5) {
                report.error(
                    "RDMA over Thunderbolt 5 needs a platform with \"\(PlatformFeature.rdmaOverThunderbolt5.rawValue)\" (macOS 26.2 or later); \(platform.id) does not have it",
                    at: link.transportLocation, span: 4)
            }
        default:
            break
        }
    }

    /// A runtime marked supported must run on the combo's OS, drive its devices, span its
    /// machines when there are several, and mix vendors only if it can.
    static func runtimeClaimsAgreeWithRecords(_ combo: Combo, _ catalog: Catalog, _ report: inout Report) {
        guard let platform = catalog[combo.platform.id] else { return }
        let machines = combo.nodes.compactMap { catalog[$0.machine.id] }
        let devices = machines.flatMap { $0.devices.compactMap { catalog[$0.device.id] } }
        let backends = Set(devices.flatMap(\.backends))
        let vendors = Set(devices.map(\.vendor))
        for verdict in combo.runtimeCompatibility where verdict.supported {
            guard let runtime = catalog[verdict.runtime.id] else { continue }
            let at = verdict.runtime.location
            let span = runtime.id.raw.count
            if !runtime.platforms.contains(platform.family) {
                report.error(
                    "\(runtime.id) is marked supported, but its record lists \(listing(runtime.platforms.map(\.label))) only, not \(platform.family.label)",
                    at: at, span: span)
            }
            if !devices.isEmpty, backends.isDisjoint(with: runtime.backends) {
                report.error(
                    "\(runtime.id) is marked supported, but its backends (\(listing(runtime.backends.map(\.label), conjunction: "and"))) drive none of this combo's devices (\(listing(backends.sorted().map(\.label), conjunction: "and")))",
                    at: at, span: span)
            }
            if combo.nodeCount > 1, !runtime.multiHost.supported {
                report.error(
                    "\(runtime.id) is marked supported on \(combo.nodeCount) machines, but its record says it cannot span machines (multi_host.supported: false)",
                    at: at, span: span)
            }
            if vendors.count > 1, !runtime.mixedVendors {
                report.error(
                    "\(runtime.id) is marked supported, but it cannot mix \(listing(vendors.sorted().map(\.label), conjunction: "and")) devices in one model (mixed_vendors: false)",
                    at: at, span: span)
            }
        }
    }

    static func recommendedRuntimesAreSupported(_ combo: Combo, _ report: inout Report) {
        for runtime in combo.recommendedRuntimes {
            if combo.verdict(for: runtime.id)?.supported != true {
                report.error(
                    "recommended runtime \"\(runtime.id)\" needs an entry with supported: true in runtime_compatibility",
                    at: runtime.location, span: runtime.id.raw.count)
            }
        }
    }

    /// Each listed strategy must fit the topology and be offered by a runtime that works here.
    static func splitStrategiesAreOffered(_ combo: Combo, _ catalog: Catalog, _ report: inout Report) {
        let supported = combo.runtimeCompatibility.filter(\.supported).compactMap { catalog[$0.runtime.id] }
        let machines = combo.nodes.compactMap { catalog[$0.machine.id] }
        let largestBox = machines.map(\.deviceCount).max() ?? 0
        for entry in combo.splitStrategies {
            let span = entry.strategy.rawValue.count
            if entry.strategy.isMultiHost, combo.nodeCount < 2 {
                report.error("\"\(entry.strategy.rawValue)\" needs several machines; this combo is one box",
                             at: entry.location, span: span)
                continue
            }
            let needsSeveralDevices: Set<SplitStrategy> = [.layerSplit, .rowSplit, .tensorParallel, .expertParallel]
            if needsSeveralDevices.contains(entry.strategy), largestBox < 2, machines.count == combo.nodes.count {
                report.error(
                    "\"\(entry.strategy.rawValue)\" splits a model across devices in one machine, but no machine here has more than one device",
                    at: entry.location, span: span)
                continue
            }
            if !supported.isEmpty, !supported.contains(where: { $0.supports(entry.strategy) }) {
                report.error(
                    "no runtime marked supported here offers \"\(entry.strategy.rawValue)\" (checked \(listing(supported.map(\.id.raw), conjunction: "and")))",
                    at: entry.location, span: span)
            }
        }
    }

    /// A measurement names a quant its model has.
    static func benchmarkQuantExists(_ benchmark: Benchmark, _ catalog: Catalog, _ report: inout Report) {
        guard let model = catalog[benchmark.model.id], model.quant(named: benchmark.quant) == nil else { return }
        report.error(
            "\(model.id) has no quant \"\(benchmark.quant)\"" + suggestion(for: benchmark.quant, in: model.quants.map(\.name), listing: "quants"),
            at: benchmark.quantLocation, span: benchmark.quant.count)
    }

    /// A benchmark target names a quant the model has, and a runtime that works here and loads
    /// that quant's format.
    static func benchmarkTargetsAreRunnable(_ combo: Combo, _ catalog: Catalog, _ report: inout Report) {
        for target in combo.benchmarkTargets {
            if let model = catalog[target.model.id], model.quant(named: target.quant) == nil {
                report.error(
                    "\(model.id) has no quant \"\(target.quant)\""
                        + suggestion(for: target.quant, in: model.quants.map(\.name), listing: "quants"),
                    at: target.quantLocation, span: target.quant.count)
            }
            guard let runtime = catalog[target.runtime.id] else { continue }
            if combo.verdict(for: runtime.id)?.supported != true {
                report.error("\(runtime.id) is not marked supported on this combo, so it cannot be benchmarked here",
                             at: target.runtime.location, span: runtime.id.raw.count)
            }
            if let quant = catalog[target.model.id]?.quant(named: target.quant), !runtime.formats.contains(quant.format) {
                report.error(
                    "\(runtime.id) does not load \(quant.format.label) weights (it loads \(listing(runtime.formats.map(\.label))))",
                    at: target.quantLocation, span: target.quant.count)
            }
        }
    }
}
