import Catalog

/// Who points at whom, computed once per build: the combos that use a machine, device, runtime,
/// platform or model, and the machines that hold a device. Record pages list these so every
/// record links back to where it is used.
struct Backlinks: Sendable {
    private(set) var combosByMachine: [RecordID<Machine>: [Combo]] = [:]
    private(set) var combosByDevice: [RecordID<Device>: [Combo]] = [:]
    private(set) var combosByPlatform: [RecordID<Platform>: [Combo]] = [:]
    private(set) var combosByModel: [RecordID<Model>: [Combo]] = [:]
    private(set) var machinesByDevice: [RecordID<Device>: [Machine]] = [:]
    private(set) var stacksByCombo: [RecordID<Combo>: [Stack]] = [:]

    init(_ catalog: Catalog) {
        for machine in catalog.machines {
            for slot in machine.devices { append(&machinesByDevice, slot.device.id, machine) }
        }
        for combo in catalog.combos {
            append(&combosByPlatform, combo.platform.id, combo)
            for node in combo.nodes {
                append(&combosByMachine, node.machine.id, combo)
                for slot in catalog[node.machine.id]?.devices ?? [] { append(&combosByDevice, slot.device.id, combo) }
            }
            let models = combo.bestModelClasses.flatMap(\.models).map(\.id) + combo.benchmarkTargets.map(\.model.id)
            for model in models { append(&combosByModel, model, combo) }
        }
        for stack in catalog.stacks {
            for component in stack.components {
                if case .combo(let reference) = component.target { append(&stacksByCombo, reference.id, stack) }
            }
        }
    }

    /// Adds a record under a key once, keeping the catalog's order.
    private func append<Key: Hashable, Value: Record>(_ index: inout [Key: [Value]], _ key: Key, _ value: Value) {
        if index[key]?.contains(where: { $0.id == value.id }) == true { return }
        index[key, default: []].append(value)
    }
}
