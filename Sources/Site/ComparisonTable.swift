import Catalog

/// "Comparison vs alternatives": the combo and each alternative, with the columns its records
/// can answer (memory, machines, power, cost). Every cell is a sum of record facts.
struct ComparisonTable: Sendable {
    let caption: String
    let columns: [String]
    let rows: [Row]

    struct Row: Sendable {
        let name: LinkView?
        let label: String
        let isCurrent: Bool
        let cells: [String]
    }

    init(combo: Combo, context: inout PageContext) {
        let catalog = context.catalog
        caption = "\(combo.title) against its alternatives. Memory, power and cost are sums over each combo's machine and device records."
        columns = ["Combo", "Total memory", "Machines", "Power (max)", "Cost"]
        var rows: [Row] = [Self.row(combo, catalog: catalog, link: nil, isCurrent: true)]
        for reference in combo.alternatives {
            guard let alternative = catalog[reference.id] else { continue }
            let link = context.link(alternative.title, to: Route.combo(alternative.id), from: reference.location)
            rows.append(Self.row(alternative, catalog: catalog, link: link, isCurrent: false))
        }
        self.rows = rows
    }

    private static func row(_ combo: Combo, catalog: Catalog, link: LinkView?, isCurrent: Bool) -> Row {
        let totals = catalog.totals(of: combo)
        return Row(
            name: link,
            label: combo.title,
            isCurrent: isCurrent,
            cells: [
                ComboPage.memoryValue(totals),
                "\(totals.machineCount)",
                Format.watts(totals.powerW),
                ComboPage.cost(totals),
            ])
    }
}
