import Foundation
import Yams

/// What a YAML scalar is (text, a whole number, a number, true/false, nothing), by YAML 1.1's
/// implicit rules for plain scalars, with a quick answer for text that no rule can match.
///
/// Yams tries every plain scalar against each rule's regular expression when the scalar's type
/// is first asked for, keys included (to find duplicates while composing): that was about 40% of
/// loading a large catalog. Records are composed with no rules (`composing`), and a scalar's type
/// is worked out here when the decoder asks: the rules' regular expressions run only on text
/// that starts the way one of them does, and the answer is the same as theirs.
enum YAMLImplicitTypes {
    /// For composing: no implicit types, so keys hash by their text.
    static let composing = Resolver.basic

    /// YAML's implicit types, less the two no record uses (timestamps, as dates are read from
    /// strings, and `=` values). Integers and floats are YAML 1.1's without base 60, where
    /// `1:30` means 90: here it is text, so a number field says so instead of holding a surprise
    /// (and Yams's base-60 arithmetic traps on overflow).
    static let rules: Resolver = {
        let base = Resolver.default.removing(.timestamp).removing(.value)
        // swiftlint:disable:next force_try
        return try! base
            .replacing(.int, with: """
                ^(?:[-+]?0b[0-1_]+\
                |[-+]?0o?[0-7_]+\
                |[-+]?(?:0|[1-9][0-9_]*)\
                |[-+]?0x[0-9a-fA-F_]+)$
                """)
            .replacing(.float, with: """
                ^(?:[-+]?(?:[0-9][0-9_]*)(?:\\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?\
                |\\.[0-9_]+(?:[eE][-+][0-9]+)?\
                |[-+]?\\.(?:inf|Inf|INF)\
                |\\.(?:nan|NaN|NAN))$
                """)
    }()

    /// The bytes a rule's match can start with: signs, digits and `.` (numbers), `~` (null), `<`
    /// (merge), and the first letters of yes/no/true/false/on/off and null.
    private static let ruleStarts: [Bool] = {
        var starts = [Bool](repeating: false, count: 256)
        for byte in "-+0123456789.~<yYnNtTfFoO".utf8 { starts[Int(byte)] = true }
        return starts
    }()

    /// The longest word a rule matches ("false"), with room for a line break at the end that a
    /// regular expression's `$` allows.
    private static let longestWord = 8

    /// The type of a scalar as Yams would resolve it with `rules`: a tag written in the file
    /// as written, a quoted scalar text, a plain one by the rules.
    static func name(of scalar: Node.Scalar) -> Tag.Name {
        // The tag as composed, not resolved (reading `Tag.description` resolves nothing).
        switch scalar.tag.description {
        case Tag.Name.implicit.rawValue: return implicit(scalar.string)
        case Tag.Name.nonSpecific.rawValue: return .str
        case let written: return Tag.Name(rawValue: written)
        }
    }

    /// The type of a plain scalar's text.
    static func implicit(_ text: String) -> Tag.Name {
        let bytes = text.utf8
        guard let first = bytes.first else { return .null }
        if !ruleStarts[Int(first)] { return .str }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if isDigit(first) {
            // Plain decimal digits without a leading zero: the int rule's, before the float rule.
            if bytes.allSatisfy(isDigit), first != UInt8(ascii: "0") || bytes.count == 1 { return .int }
            // Digits with one point in them ("27.6", "1."): only the float rule matches them.
            if bytes.allSatisfy({ isDigit($0) || $0 == UInt8(ascii: ".") }), bytes.count(where: { $0 == UInt8(ascii: ".") }) == 1 {
                return .float
            }
            // A sign after the first byte that does not follow an exponent's e ("2026-11-12"):
            // the rules allow a sign only first or there, so nothing matches.
            var previous = first
            for byte in bytes.dropFirst() {
                if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+"), previous | 0x20 != UInt8(ascii: "e") { return .str }
                previous = byte
            }
        } else if first > UInt8(ascii: "9"), bytes.count > longestWord {
            return .str
        }
        return rules.resolveTag(of: Node(text))
    }
}
