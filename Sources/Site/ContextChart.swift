import Foundation

/// Decode speed against context length, one line per configuration: how a model slows as its
/// KV cache fills. The x axis doubles at each tick (context lengths are powers of two); a line
/// stops where the model no longer fits. Inline SVG, coloured by the stylesheet.
enum ContextChart {
    struct Series: Sendable {
        let label: String
        /// (context tokens, decode tokens/s), nil where it does not fit.
        let points: [(tokens: Int, tokensPerSecond: Double?)]
    }

    static let width = 640.0
    static let height = 280.0
    static let left = 52.0
    static let right = 16.0
    static let top = 12.0
    static let bottom = 40.0

    static func svg(_ series: [Series]) -> HTML {
        let contexts = Array(Set(series.flatMap { $0.points.map(\.tokens) })).sorted()
        let values = series.flatMap { $0.points.compactMap(\.tokensPerSecond) }
        guard contexts.count > 1, let highest = values.max(), highest > 0 else { return HTML(escaping: "") }
        let yMax = niceCeiling(highest * 1.08)
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let lowLog = log2(Double(contexts.first!))
        let highLog = log2(Double(contexts.last!))
        func x(_ tokens: Int) -> Double { left + plotWidth * (log2(Double(tokens)) - lowLog) / max(highLog - lowLog, 1) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - value / yMax) }

        var parts: [String] = []
        // Axes and ticks.
        parts.append(#"<line class="axis" x1="\#(n(left))" x2="\#(n(width - right))" y1="\#(n(top + plotHeight))" y2="\#(n(top + plotHeight))"/>"#)
        for step in 0...4 {
            let value = yMax * Double(step) / 4
            parts.append(#"<line class="axis" x1="\#(n(left))" x2="\#(n(width - right))" y1="\#(n(y(value)))" y2="\#(n(y(value)))" stroke-dasharray="2 4"/>"#)
            parts.append(#"<text class="tick" x="\#(n(left - 6))" y="\#(n(y(value) + 4))" text-anchor="end">\#(Format.tokensPerSecond(value))</text>"#)
        }
        for tokens in contexts {
            parts.append(#"<text class="tick" x="\#(n(x(tokens)))" y="\#(n(top + plotHeight + 16))" text-anchor="middle">\#(Format.contextShort(tokens))</text>"#)
        }
        parts.append(#"<text class="tick" x="\#(n(left + plotWidth / 2))" y="\#(n(height - 4))" text-anchor="middle">context length (tokens in the KV cache)</text>"#)
        parts.append(#"<text class="tick" x="12" y="\#(n(top + plotHeight / 2))" text-anchor="middle" transform="rotate(-90 12 \#(n(top + plotHeight / 2)))">tokens/s</text>"#)

        var summary: [String] = []
        for (index, line) in series.enumerated() {
            let style = "s\(index % 4)"
            let label = escapeHTML(line.label)
            // The line runs while the model fits; where it stops fitting, it stops.
            var path = ""
            for point in line.points {
                guard let value = point.tokensPerSecond else { break }
                path += (path.isEmpty ? "M" : " L") + "\(n(x(point.tokens))) \(n(y(value)))"
            }
            guard !path.isEmpty else { continue }
            parts.append(#"<path class="series \#(style)" d="\#(path)"><title>\#(label)</title></path>"#)
            var described: [String] = []
            for point in line.points {
                guard let value = point.tokensPerSecond else { break }
                parts.append(#"<circle class="point \#(style)" cx="\#(n(x(point.tokens)))" cy="\#(n(y(value)))" r="4"><title>\#(label): \#(Format.tokensPerSecond(value)) tokens/s at \#(Format.contextShort(point.tokens))</title></circle>"#)
                described.append("\(Format.tokensPerSecond(value)) at \(Format.contextShort(point.tokens))")
            }
            summary.append("\(line.label): " + described.joined(separator: ", "))
        }
        let aria = escapeHTML("Estimated decode tokens/s by context length. " + summary.joined(separator: "; "))
        return HTML(trusted: #"<svg class="context-chart" viewBox="0 0 \#(n(width)) \#(n(height))" width="\#(n(width))" height="\#(n(height))" role="img" aria-label="\#(aria)">"#
            + parts.joined() + "</svg>")
    }

    /// The next round number above `value` (1, 2 or 5 times a power of ten), so ticks read well.
    static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(max(value, 1e-9))))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * magnitude >= value { return factor * magnitude }
        return 10 * magnitude
    }

    static func n(_ value: Double) -> String { LedgerChart.n(value) }
}
