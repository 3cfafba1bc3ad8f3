import Foundation
import Fit

/// A fit ledger drawn as one stacked bar per device: weights, KV cache, buffers and overhead,
/// then the headroom left, against the memory the device may use (the tick). A device that is
/// short shows the overflow past the tick. Inline SVG; colours come from the stylesheet, so it
/// follows the light and dark themes. The numbers are in its label and in the ledger beside
/// it, not in a tooltip per bar: a page draws hundreds of these.
enum LedgerChart {
    static let width = 320.0
    static let rowHeight = 14.0
    /// Each bar's label stands on its own line above it, as wide as the chart: a column beside
    /// the bars (76 px) cut "GeForce RTX 3090" short and ran "RTX PRO 6000 Blackwell
    /// Workstation Edition" under the bar.
    static let labelHeight = 15.0
    static let gap = 6.0
    /// The bars' length at the largest device, leaving room for the tick's stroke.
    static let barWidth = width - 4

    static func svg(_ ledger: [DeviceLedger]) -> HTML {
        svg(ledger, groups: LedgerGroup.groups(ledger))
    }

    /// The same, with the ledger's groups already made (a fit row shows them in its table too).
    static func svg(_ ledger: [DeviceLedger], groups: [LedgerGroup]) -> HTML {
        guard !ledger.isEmpty else { return HTML(escaping: "") }
        let gib = FitConstants.gibibyte
        let scale = ledger.map { max($0.usableBytes, $0.neededBytes) }.max() ?? 1
        let pitch = labelHeight + rowHeight + gap
        let height = Double(groups.count) * pitch - gap + 2
        func x(_ bytes: Double) -> Double { barWidth * bytes / max(scale, 1) }
        func gibText(_ bytes: Double) -> String { Format.number(bytes / gib, decimals: 1) + " GiB" }

        var parts: [String] = []
        var summary: [String] = []
        for (index, group) in groups.enumerated() {
            let device = group.device
            let top = Double(index) * pitch + 1
            let y = top + labelHeight
            let label = escapeHTML(fitted(group.label))
            parts.append(#"<text class="label" x="0" y="\#(n(top + 11))">\#(label)</text>"#)
            // Background: the whole usable memory.
            parts.append(#"<rect class="usable" x="0" y="\#(n(y))" width="\#(n(x(device.usableBytes)))" height="\#(n(rowHeight))"/>"#)
            var start = 0.0
            let segments: [(String, Double)] = [
                ("weights", device.weightBytes),
                ("kv", device.kvBytes),
                ("buffers", device.bufferBytes + device.overheadBytes),
            ]
            for (kind, bytes) in segments where bytes > 0 {
                let end = start + bytes
                let visibleEnd = min(end, device.usableBytes)
                if visibleEnd > start {
                    parts.append(#"<rect class="\#(kind)" x="\#(n(x(start)))" y="\#(n(y))" width="\#(n(x(visibleEnd) - x(start)))" height="\#(n(rowHeight))"/>"#)
                }
                start = end
            }
            if device.neededBytes > device.usableBytes {
                let from = max(device.usableBytes, 0)
                parts.append(#"<rect class="over" x="\#(n(x(from)))" y="\#(n(y))" width="\#(n(x(device.neededBytes) - x(from)))" height="\#(n(rowHeight))"/>"#)
            }
            parts.append(#"<line class="limit" x1="\#(n(x(device.usableBytes)))" x2="\#(n(x(device.usableBytes)))" y1="\#(n(y - 1))" y2="\#(n(y + rowHeight + 1))"/>"#)
            summary.append("\(group.label): \(gibText(device.neededBytes)) of \(gibText(device.usableBytes))" + (group.count > 1 ? " each" : ""))
        }
        let aria = escapeHTML("Memory per device: " + summary.joined(separator: "; "))
        return HTML(trusted: #"<svg class="ledger-chart" viewBox="0 0 \#(n(width)) \#(n(height))" width="\#(n(width))" height="\#(n(height))" role="img" aria-label="\#(aria)">"#
            + parts.joined() + "</svg>")
    }

    /// A label cut to the chart's width, ending in "…" when it was cut (the whole label is in
    /// the chart's `aria-label` and in the ledger table beside it). SVG text does not wrap, and
    /// the page cannot measure it here, so its width is estimated from the stylesheet's 13 px
    /// sans-serif (`LabelWidth`), erring wide.
    static func fitted(_ label: String) -> String {
        guard LabelWidth.estimate(label) > barWidth else { return label }
        var kept = label
        while !kept.isEmpty, LabelWidth.estimate(kept + "…") > barWidth { kept.removeLast() }
        return kept.trimmingCharacters(in: .whitespaces) + "…"
    }

    /// Approximate advance widths at 13 px in DejaVu Sans, the widest of the common sans
    /// fonts (Liberation Sans and Helvetica run narrower), in px: erring wide cuts a label a
    /// little early rather than letting it run past the chart. `templates/assets/builder.js`
    /// estimates the same way.
    enum LabelWidth {
        static func estimate(_ text: String) -> Double {
            text.unicodeScalars.reduce(0) { total, scalar in
                let c = scalar.value
                let width: Double = if c == 0x20 { 4.2 }
                    else if "ijlftr".unicodeScalars.contains(scalar) || "IJ".unicodeScalars.contains(scalar) { 4.8 }
                    else if (0x61...0x7A).contains(c) { c == 0x6D || c == 0x77 ? 10.9 : 7.6 }
                    else if (0x41...0x5A).contains(c) { c == 0x4D || c == 0x57 ? 12 : 9.1 }
                    else if (0x30...0x39).contains(c) { 8.3 }
                    else if c < 0x80 { 5.5 }
                    else { 10 }
                return total + width
            }
        }
    }

    /// Coordinates with at most one decimal, so the SVG stays small and byte-stable.
    static func n(_ value: Double) -> String { Format.plain(value, decimals: 1) }
}
