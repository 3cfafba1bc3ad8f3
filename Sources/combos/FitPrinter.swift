import Catalog
import Fit
import Foundation

/// The human form of a fit result: a ledger a reader can check by hand.
enum FitPrinter {
    static func text(
        request: FitRequest, hardware: Hardware, name: String, result: FitResult, fixes: [FitFix], measured: [Benchmark]
    ) -> String {
        let gib = FitConstants.gibibyte
        var lines: [String] = []
        let weights = result.footprint.map { " (\(g($0.totalWeightBytes / gib)) of weights)" } ?? ""
        lines.append("\(request.model.name) \(request.quant.name)\(weights) on \(name) with \(request.runtime.name)")
        lines.append("context \(request.contextTokens) tokens × \(request.parallelSequences) sequence\(request.parallelSequences == 1 ? "" : "s"), \(request.kvCacheType.label) KV cache, \(hardware.hosts.map(\.platform.name).first ?? "")")
        lines.append("")
        let strategy = result.strategy.map { " — \($0.label)" } ?? ""
        lines.append("Verdict: \(result.verdict.label.lowercased())\(strategy)")
        if result.verdict == .unsupported {
            lines.append(result.bindingConstraint)
        } else {
            lines.append("")
            let header = ["", "usable", "weights", "KV cache", "buffers", "overhead", "headroom", "layers"]
            var rows: [[String]] = [header]
            for entry in result.ledger {
                let layers = entry.layers > 0 ? "\(entry.firstLayer)–\(entry.firstLayer + entry.layers - 1)" : "–"
                rows.append([
                    entry.label, g(entry.usableBytes / gib), g(entry.weightBytes / gib), g(entry.kvBytes / gib),
                    g(entry.bufferBytes / gib), g(entry.overheadBytes / gib),
                    g(entry.headroomBytes / gib) + " (\(Int((entry.headroom * 100).rounded()))%)", layers,
                ])
            }
            lines += table(rows)
            lines.append("")
            for entry in result.ledger {
                lines.append("  \(entry.label) usable = \(entry.rule.description)"
                    + (entry.marginBytes > 0 ? ", minus a \(g(entry.marginBytes / gib)) safety margin" : "")
                    + (entry.note.map { "; \($0)" } ?? ""))
            }
            lines.append("")
            if let decode = result.decode {
                lines.append("Decode: \(t(decode.tokensPerSecond)) tokens/s at the start of a conversation (range \(t(decode.low))–\(t(decode.high)), the low end at the full context); an estimate")
            }
            if let prefill = result.prefill {
                lines.append("Prefill: \(t(prefill.tokensPerSecond)) tokens/s for a \(request.promptTokens)-token prompt (range \(t(prefill.low))–\(t(prefill.high))); an estimate")
            }
            for benchmark in measured {
                let decode = benchmark.decodeTPS.map { "\(t($0)) tokens/s decode" }
                let prefill = benchmark.prefillTPS.map { "\(t($0)) tokens/s prefill" }
                lines.append("Measured: \([decode, prefill].compactMap { $0 }.joined(separator: ", ")) at depth \(benchmark.depthTokens) (\(benchmark.source.title), \(benchmark.source.url))")
            }
            lines.append("Binding constraint: \(result.bindingConstraint)")
            if let runnerUp = result.runnerUp {
                lines.append("Runner-up: \(runnerUp.strategy.label), \(runnerUp.verdict.label.lowercased())"
                    // A plan that does not fit has no speed a reader could get.
                    + (runnerUp.verdict == .noFit ? "" : runnerUp.decodeTokensPerSecond.map { ", \(t($0)) tokens/s" } ?? ""))
            }
        }
        for refused in result.refused {
            lines.append("Not possible here: \(refused.strategy.label): \(refused.reason ?? "")")
        }
        for note in result.notes { lines.append("Note: \(note)") }
        if !fixes.isEmpty {
            lines.append("")
            lines.append("Fixes:")
            for fix in fixes {
                let speed = fix.result.decode.map { ", \(t($0.tokensPerSecond)) tokens/s" } ?? ""
                lines.append("  - \(fix.description): \(fix.result.verdict.label.lowercased())\(speed)")
            }
        }
        lines.append("")
        lines.append("Basis: " + result.basis.map { "\($0.symbol) = \(n($0.value)) \($0.unit)" }.joined(separator: "; "))
        return lines.joined(separator: "\n")
    }

    private static func table(_ rows: [[String]]) -> [String] {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
    }

    static func g(_ value: Double) -> String { String(format: "%.1f GiB", value) }
    static func t(_ value: Double) -> String { value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value) }
    static func n(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
}
