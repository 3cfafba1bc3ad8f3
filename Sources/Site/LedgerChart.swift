import Fit

/// A fit ledger drawn as one stacked bar per device: weights, KV cache, buffers and overhead,
/// then the headroom left, against the memory the device may use (the tick). A device that is
/// short shows the overflow past the tick. Inline SVG; colours come from the stylesheet, so it
/// follows the light and dark themes. The numbers are in its label and in the ledger beside
/// it, not in a tooltip per bar: a page draws hundreds of these.
enum LedgerChart {
    static let width = 320.0
    static let rowHeight = 14.0
    static let gap = 6.0
    static let labelWidth = 76.0

    static func svg(_ ledger: [DeviceLedger]) -> HTML {
        svg(ledger, groups: LedgerGroup.groups(ledger))
    }

    /// The same, with the ledger's groups already made (a fit row shows them in its table too).
    static func svg(_ ledger: [DeviceLedger], groups: [LedgerGroup]) -> HTML {
        guard !ledger.isEmpty else { return HTML(escaping: "") }
        let gib = FitConstants.gibibyte
        let scale = ledger.map { max($0.usableBytes, $0.neededBytes) }.max() ?? 1
        let barWidth = width - labelWidth - 4
        let height = Double(groups.count) * (rowHeight + gap) - gap + 2
        func x(_ bytes: Double) -> Double { labelWidth + barWidth * bytes / max(scale, 1) }
        func gibText(_ bytes: Double) -> String { Format.number(bytes / gib, decimals: 1) + " GiB" }

        var parts: [String] = []
        var summary: [String] = []
        for (index, group) in groups.enumerated() {
            let device = group.device
            let y = Double(index) * (rowHeight + gap) + 1
            let label = escapeHTML(group.label)
            parts.append(#"<text class="label" x="0" y="\#(n(y + rowHeight - 3))">\#(label)</text>"#)
            // Background: the whole usable memory.
            parts.append(#"<rect class="usable" x="\#(n(labelWidth))" y="\#(n(y))" width="\#(n(x(device.usableBytes) - labelWidth))" height="\#(n(rowHeight))"/>"#)
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

    /// Coordinates with at most one decimal, so the SVG stays small and byte-stable.
    static func n(_ value: Double) -> String { Format.plain(value, decimals: 1) }
}
