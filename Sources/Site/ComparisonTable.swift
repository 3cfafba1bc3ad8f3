import Catalog
import Fit

/// "Comparison vs alternatives": the combo and each alternative, with the columns its records
/// can answer (memory, machines, power, cost) and the fit engine's (usable memory, and decode
/// speed on the combo's reference model at 4-bit).
struct ComparisonTable: Sendable {
    let caption: String
    let columns: [Column]
    let rows: [Row]

    struct Column: Sendable {
        let label: String
        /// A link for estimated columns, to how estimates are made.
        let estimateHref: String?
    }

    struct Row: Sendable {
        let name: LinkView?
        let label: String
        let isCurrent: Bool
        let cells: [Cell]
    }

    struct Cell: Sendable {
        let text: String
        let detail: String?
        let href: String?
    }

    init(combo: Combo, fits: SiteFits, context: inout PageContext) {
        let catalog = context.catalog
        let reference = combo.referenceModel.flatMap { catalog[$0.id] }
        let methodology = context.href(Route.methodology)
        var columns = [
            Column(label: "Combo", estimateHref: nil),
            Column(label: "Total memory", estimateHref: nil),
            Column(label: "Usable for models", estimateHref: methodology),
        ]
        if let reference {
            columns.append(Column(label: "Decode, \(reference.name) at 4-bit, \(Format.contextShort(SiteFits.context)) context", estimateHref: methodology))
        }
        columns += [
            Column(label: "Machines", estimateHref: nil),
            Column(label: "Power (max)", estimateHref: nil),
            Column(label: "Cost", estimateHref: nil),
        ]
        self.columns = columns
        caption = "\(combo.title) against its alternatives. Memory, power and cost are sums over each combo's machine and device records; usable memory and decode speed are the fit engine's estimates"
            + (reference.map { ", the speed for one stream of \($0.name) at each combo's best 4-bit quant and runtime" } ?? "") + "."
        var rows: [Row] = [Self.row(combo, reference: reference, fits: fits, link: nil, isCurrent: true, context: &context)]
        for alternative in combo.alternatives {
            guard let record = catalog[alternative.id] else { continue }
            let link = context.link(record.title, to: Route.combo(record.id), from: alternative.location)
            rows.append(Self.row(record, reference: reference, fits: fits, link: link, isCurrent: false, context: &context))
        }
        self.rows = rows
    }

    private static func row(
        _ combo: Combo, reference: Model?, fits: SiteFits, link: LinkView?, isCurrent: Bool, context: inout PageContext
    ) -> Row {
        let totals = context.catalog.totals(of: combo)
        var cells = [Cell(text: ComboPage.memoryValue(totals), detail: nil, href: nil)]
        cells.append(usableCell(combo, fits))
        if let reference {
            cells.append(speedCell(combo, reference, fits, &context))
        }
        cells += [
            Cell(text: "\(totals.machineCount)", detail: nil, href: nil),
            Cell(text: Format.watts(totals.powerW), detail: nil, href: nil),
            Cell(text: ComboPage.cost(totals), detail: nil, href: nil),
        ]
        return Row(name: link, label: combo.title, isCurrent: isCurrent, cells: cells)
    }

    /// Memory each device offers a model under the combo's first recommended runtime.
    static func usableCell(_ combo: Combo, _ fits: SiteFits) -> Cell {
        guard let fit = fits.configuration(of: combo.id), let runtime = fit.runtimes.first else {
            return Cell(text: "—", detail: nil, href: nil)
        }
        let memory = FitEngine.usableMemory(on: fit.hardware, runtime: runtime)
        return Cell(text: Format.perDevice(memory.map(\.memory.capacityBytes)), detail: "under \(runtime.name)", href: nil)
    }

    static func speedCell(_ combo: Combo, _ model: Model, _ fits: SiteFits, _ context: inout PageContext) -> Cell {
        guard let answer = fits.reference(model, on: combo.id, context: SiteFits.context) else {
            return Cell(text: "no runtime loads it", detail: nil, href: nil)
        }
        let runtime = context.catalog[answer.runtime]?.name ?? answer.runtime.raw
        let href = context.href(Route.willItRun(combo.id), fragment: FitRowView.anchor(model: answer.model, quant: answer.quant.name))
        switch answer.result.verdict {
        case .fits, .tight:
            let speed = answer.result.decode.map { "\(Format.tokensPerSecond($0.tokensPerSecond)) tokens/s" } ?? "—"
            let tight = answer.result.verdict == .tight ? ", borderline" : ""
            return Cell(text: speed, detail: "\(answer.quant.name), \(runtime)\(tight)", href: href)
        case .noFit:
            return Cell(text: "won't fit", detail: "\(answer.quant.name), \(runtime)", href: href)
        case .unsupported:
            return Cell(text: "unsupported", detail: answer.result.unsupportedReason, href: nil)
        }
    }
}
