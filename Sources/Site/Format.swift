import Catalog
import Foundation

/// How numbers read on pages. One place, so "64 GB" and "$1,999" look the same everywhere.
enum Format {
    /// "64", "112.5", "0.75": no trailing zeros, at most `decimals` places.
    static func number(_ value: Double, decimals: Int = 2) -> String {
        let scale = pow10(decimals)
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            return grouped(Int(rounded))
        }
        var text = String(format: "%.\(decimals)f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = Int(parts[0]) ?? 0
        let sign = text.hasPrefix("-") && whole == 0 ? "-" : ""
        return sign + grouped(whole) + (parts.count > 1 ? "." + parts[1] : "")
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
