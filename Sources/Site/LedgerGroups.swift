import Fit

/// Devices of a ledger that hold exactly the same share (the eight GPUs of a tensor-parallel
/// server, each node of a cluster), shown once as "GPU 1–8" with "each": a 48-GPU cluster's row
/// would otherwise draw 48 identical bars. Neighbours are joined when every figure is equal and
/// they hold the same layers (a tensor split) or the next layers (a pipeline split into equal
/// stages); a device that holds more or less than its neighbours keeps its own line.
struct LedgerGroup: Sendable {
    let label: String
    let count: Int
    /// The first device of the group; the others hold the same.
    let device: DeviceLedger
    /// The last device: where the group's layers end.
    let last: DeviceLedger

    /// "0–33", or "0–59 (4 each)" for equal pipeline stages.
    var layers: String {
        guard device.layers > 0 else { return "—" }
        if last.firstLayer == device.firstLayer || count == 1 {
            return "\(device.firstLayer)–\(device.firstLayer + device.layers - 1)"
        }
        return "\(device.firstLayer)–\(last.firstLayer + last.layers - 1) (\(device.layers) each)"
    }

    static func groups(_ ledger: [DeviceLedger]) -> [LedgerGroup] {
        var groups: [(first: DeviceLedger, last: DeviceLedger, count: Int)] = []
        for device in ledger {
            if let current = groups.last, same(current.first, device),
               device.firstLayer == current.last.firstLayer || device.firstLayer == current.last.firstLayer + current.last.layers {
                groups[groups.count - 1] = (current.first, device, current.count + 1)
            } else {
                groups.append((device, device, 1))
            }
        }
        return groups.map {
            LedgerGroup(label: $0.count == 1 ? $0.first.label : range($0.first.label, $0.last.label), count: $0.count, device: $0.first, last: $0.last)
        }
    }

    /// The numbers first: the rule's description is text made on each call, and most
    /// neighbours that differ already differ in a number (every row of every will-it-run page
    /// groups its ledger).
    private static func same(_ a: DeviceLedger, _ b: DeviceLedger) -> Bool {
        a.isHostRAM == b.isHostRAM && a.limitBytes == b.limitBytes && a.marginBytes == b.marginBytes
            && a.overheadBytes == b.overheadBytes && a.weightBytes == b.weightBytes && a.kvBytes == b.kvBytes
            && a.bufferBytes == b.bufferBytes && a.layers == b.layers
            && a.deviceName == b.deviceName && a.note == b.note && a.rule.description == b.rule.description
    }

    /// "GPU 1" and "GPU 8" make "GPU 1–8"; labels that do not share a stem make "a – b".
    static func range(_ first: String, _ last: String) -> String {
        let stemA = first.reversed().drop { $0.isNumber }.reversed()
        let stemB = last.reversed().drop { $0.isNumber }.reversed()
        let numberB = last.dropFirst(stemB.count)
        if !stemA.isEmpty, String(stemA) == String(stemB), first.count > stemA.count, !numberB.isEmpty {
            return first + "–" + numberB
        }
        return "\(first) – \(last)"
    }

    /// "GPU 1–8 (each)" in a table, the label alone for one device.
    var tableLabel: String { count > 1 ? "\(label) (each)" : label }
}
