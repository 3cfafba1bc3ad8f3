import Foundation
import Testing
@testable import Site

/// Numbers on pages: `Format.number` rounds in integers (the C formatter was slow at scale);
/// it must print exactly what the formatter-based version printed, for every value.
@Suite("Number formatting")
struct FormatTests {
    /// The previous implementation, kept here as the reference.
    static func reference(_ value: Double, decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return Format.grouped(Int(rounded)) }
        var text = String(format: "%.\(decimals)f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        let parts = text.split(separator: ".", maxSplits: 1)
        let whole = Int(parts[0]) ?? 0
        let sign = text.hasPrefix("-") && whole == 0 ? "-" : ""
        return sign + Format.grouped(whole) + (parts.count > 1 ? "." + parts[1] : "")
    }

    @Test("the same text as the formatter-based version for a hundred thousand values of every size and sign")
    func matchesReference() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, -0.0, 0.05, 0.15, 0.25, 1.005, 2.675, -0.04, -0.05, -1.5, 999.95, 1234.5, -3e12, 12_247]
        // Up to 10^13: past 10^15 the old version dropped an integer's trailing zeros.
        for _ in 0..<100_000 {
            let magnitude = Double.random(in: -3...13, using: &generator)
            values.append((Bool.random(using: &generator) ? -1 : 1) * pow(10, magnitude) * Double.random(in: 1..<10, using: &generator) / 10)
        }
        for value in values {
            for decimals in 0...4 {
                #expect(Format.number(value, decimals: decimals) == Self.reference(value, decimals: decimals), "\(value) at \(decimals)")
                #expect(Format.plain(value, decimals: decimals) == Self.reference(value, decimals: decimals).replacingOccurrences(of: ",", with: ""))
            }
        }
        #expect(Format.number(.nan) == "0" && Format.number(.infinity) == "0")
        #expect(Format.number(1e15) == "1,000,000,000,000,000")
        #expect(Format.number(1234.5678) == "1,234.57" && Format.plain(1234.5678) == "1234.57")
    }
}
