import Catalog
import Foundation

/// How numbers read on pages. One place, so "64 GB" and "$1,999" look the same everywhere.
enum Format {
    /// "64", "112.5", "0.75": no trailing zeros, at most `decimals` places.
    static func number(_ value: Double, decimals: Int = 2) -> String {
        digits(value, decimals: decimals, grouping: true)
    }

    /// "1234.5": as `number`, without thousands separators, for attributes and SVG coordinates.
    static func plain(_ value: Double, decimals: Int = 2) -> String {
        digits(value, decimals: decimals, grouping: false)
    }

    /// Rounded to `decimals` places in integers, not through `String(format:)`: pages print
    /// hundreds of thousands of numbers, and the C formatter was a tenth of a build.
    private static func digits(_ value: Double, decimals: Int, grouping: Bool) -> String {
        let scale = pow10(decimals)
        let scaled = (value * scale).rounded()
        let rounded = scaled / scale
        func group(_ whole: Int) -> String { grouping ? grouped(whole) : "\(whole)" }
        guard value.isFinite else { return "0" }
        guard abs(scaled) < 9e15 else {
            // Beyond exact integers in a Double: the C formatter, as before.
            var text = String(format: "%.\(decimals)f", rounded)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            let parts = text.split(separator: ".", maxSplits: 1)
            let whole = Int(parts[0]) ?? 0
            let sign = text.hasPrefix("-") && whole == 0 ? "-" : ""
            return sign + group(whole) + (parts.count > 1 ? "." + parts[1] : "")
        }
        if rounded == rounded.rounded() {
            return group(Int(rounded))
        }
        let units = Int(scaled)
        let divisor = Int(scale)
        let whole = abs(units) / divisor
        var fraction = String(abs(units) % divisor)
        fraction = String(repeating: "0", count: max(0, decimals - fraction.count)) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (units < 0 ? "-" : "") + group(whole) + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// "1,999": thousands grouped with commas.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result += "," }
            result.append(character)
        }
        return (value < 0 ? "-" : "") + result
    }

    static func gigabytes(_ value: Double) -> String { number(value, decimals: 1) + " GB" }
    static func bandwidth(_ value: Double) -> String { number(value, decimals: 1) + " GB/s" }
    static func watts(_ value: Double) -> String { number(value, decimals: 0) + " W" }
    static func dollars(_ value: Double) -> String { "$" + number(value, decimals: 0) }

    static func price(_ price: Price) -> String {
        dollars(price.usd) + " (\(price.year))"
    }

    /// "32,768 tokens (32k)".
    static func context(_ tokens: Int) -> String {
        let short = tokens >= 1024 && tokens % 1024 == 0 ? " (\(tokens / 1024)k)" : ""
        return grouped(tokens) + " tokens" + short
    }

    /// Tokens per second as a reader wants them: "4.8", "36", "1,240".
    static func tokensPerSecond(_ value: Double) -> String {
        number(value, decimals: value < 10 ? 1 : 0)
    }

    /// Binary gigabytes, as the fit engine counts memory: "46.5 GiB".
    static func gib(_ bytes: Double) -> String {
        number(bytes / 1_073_741_824, decimals: 1) + " GiB"
    }

    /// "12%", "-4%".
    static func percent(_ fraction: Double) -> String {
        number(fraction * 100, decimals: 0) + "%"
    }

    /// "4 × 46.5 GiB" when every value is the same, else "46.5 + 22.1 GiB".
    static func perDevice(_ bytes: [Double]) -> String {
        guard let first = bytes.first else { return "—" }
        let texts = bytes.map { gib($0) }
        if texts.allSatisfy({ $0 == texts[0] }) {
            return bytes.count > 1 ? "\(bytes.count) × \(gib(first))" : gib(first)
        }
        return bytes.map { number($0 / 1_073_741_824, decimals: 1) }.joined(separator: " + ") + " GiB"
    }

    /// "8k", "32k", "1,000 tokens".
    static func contextShort(_ tokens: Int) -> String {
        tokens >= 1024 && tokens % 1024 == 0 ? "\(tokens / 1024)k" : grouped(tokens) + "-token"
    }

    /// "4×" prefix for counts above one.
    static func count(_ count: Int) -> String { count > 1 ? "\(count)× " : "" }

    /// "2024" or "2024–2026".
    static func years(_ range: ClosedRange<Int>) -> String {
        range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<max(0, exponent) { result *= 10 }
        return result
    }
}
