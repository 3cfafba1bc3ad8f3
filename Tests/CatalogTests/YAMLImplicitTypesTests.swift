@testable import Catalog
import Testing
import Yams

/// The loader reads a plain scalar's type with a quick path before YAML's regular expressions:
/// whatever the text, the type must be the one the regular expressions give.
@Suite("YAML scalar types")
struct YAMLImplicitTypesTests {
    static let words = [
        "", "~", "null", "Null", "NULL", "nul", "nulls", "yes", "Yes", "YES", "yEs", "no", "No", "NO", "true", "True", "TRUE",
        "tRUE", "false", "False", "FALSE", "falsey", "on", "On", "ON", "off", "Off", "OFF", "offset", "y", "n", "<<", "<", "<<<",
        "=", "0", "00", "007", "089", "8", "42", "1_000", "1__", "0b101", "0b2", "0o17", "0o8", "0x1F", "0xG", "-0", "+12", "-",
        "+", ".", "._", ".5", "5.", "1.5", "1.5e3", "1.5e+3", "1e5", "1e", "2026-11-26", "1:30", "+.inf", "-.Inf", ".NaN", ".nan",
        ".inf", "Infinity", "rtx-3090", "RTX 3090", "llama.cpp", "Q4_K_M", "64 GB", "true\n", "yes\u{2028}", "5\n", "null\r\n",
        "27.6", "0.5", "00.5", "1.2.3", "1..", "1e-5", "1E+5", "1e+", "12-", "1-e", "3e-", "1.5e-3", "1.5E-3x", "0x-1", "1-2-3",
        "2026-11-26T10:00", "10+5", "über", "ñ", "no way", "on-demand", "offline", "nothing at all here", "tiny", "folded text that is longer than a word",
    ]

    @Test("the quick answer is the regular expressions' answer, for every kind of text")
    func agreesWithTheRules() {
        var texts = Self.words
        // Every short string over the characters the rules care about, and some others.
        let alphabet = ["0", "1", "7", "9", "_", ".", "-", "+", "e", "x", "b", "o", "n", "N", "y", "t", "f", "~", "<", ":", "a", " "]
        for a in alphabet {
            texts.append(a)
            for b in alphabet {
                texts.append(a + b)
                for c in alphabet { texts.append(a + b + c) }
            }
        }
        var disagreements: [String] = []
        for text in texts {
            let quick = YAMLImplicitTypes.implicit(text)
            let rules = YAMLImplicitTypes.rules.resolveTag(of: Node(text))
            if quick != rules { disagreements.append("\(text.debugDescription): \(quick.rawValue) against \(rules.rawValue)") }
        }
        #expect(texts.count > 10_000)
        #expect(disagreements.isEmpty, "\(disagreements.prefix(20))")
    }

    @Test("numbers read by the quick path have the values Yams's constructor gives them")
    func numbersAgreeWithYams() {
        var texts = Self.words + ["128", "27.6", "0.5", "010", "0", "1.", ".5", "9223372036854775807", "9223372036854775808", "1e3"]
        for a in ["0", "1", "9", ".", "_", "-"] {
            for b in ["0", "1", "9", ".", "_", "-"] {
                for c in ["0", "1", "9", ".", "_"] { texts.append(a + b + c) }
            }
        }
        var quick = 0
        for text in texts {
            for style in [Node.Scalar.Style.plain, .doubleQuoted] {
                let scalar = Node.Scalar(text, Tag(.implicit), style)
                if let value = RecordDecoder.digits(scalar) {
                    quick += 1
                    #expect(value == Node.scalar(scalar).int, "\(text.debugDescription) read as \(value)")
                }
                if let value = RecordDecoder.decimal(scalar) {
                    quick += 1
                    #expect(value == Node.scalar(scalar).float, "\(text.debugDescription) read as \(value)")
                }
            }
        }
        #expect(quick > 50)
    }

    @Test("a record's numbers, words and quoted text read as they are written")
    func scalarsInARecord() throws {
        let yaml = "a: 12\nb: \"12\"\nc: 1.5\nd: yes\ne: ~\nf: rtx-3090\ng: !!str 7\nh: '~'\n"
        let node = try #require(try Yams.compose(yaml: yaml, YAMLImplicitTypes.composing))
        let types = try #require(node.mapping).map { ($0.key.string ?? "", $0.value.tagName.rawValue) }
        #expect(types.map(\.0) == ["a", "b", "c", "d", "e", "f", "g", "h"])
        #expect(types.map(\.1) == [
            Tag.Name.int, .str, .float, .bool, .null, .str, .str, .str,
        ].map(\.rawValue))
    }
}
