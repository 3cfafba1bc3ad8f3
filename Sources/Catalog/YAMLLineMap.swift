/// Maps libyaml's lines to the file's when the YAML holds characters YAML 1.1 counts as line
/// breaks and editors do not: NEL (U+0085), LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR
/// (U+2029). libyaml starts a new line (column 1) after each, so without this map every position
/// after one would be a line too far.
struct YAMLLineMap {
    /// For each libyaml line (index 0 is line 1): the text's line, and the columns before it on that line.
    private var starts: [(line: Int, columnOffset: Int)] = [(1, 0)]
    /// The first such character, by libyaml's line and column, for messages.
    private(set) var firstYAMLOnlyBreak: (line: Int, column: Int, name: String)?

    /// Whether `yaml` holds any of the three (a byte search: they are rare).
    static func isNeeded(for yaml: String) -> Bool {
        var yaml = yaml
        return yaml.withUTF8 { bytes in
            guard bytes.count >= 2 else { return false }
            for index in 0..<(bytes.count - 1) {
                if bytes[index] == 0xC2, bytes[index + 1] == 0x85 { return true }
                if bytes[index] == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
                   bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 { return true }
            }
            return false
        }
    }

    init(_ yaml: String) {
        var line = 1
        var column = 0
        for scalar in yaml.unicodeScalars {
            switch scalar {
            case "\n":
                line += 1
                column = 0
                starts.append((line, 0))
            case "\u{85}", "\u{2028}", "\u{2029}":
                column += 1
                if firstYAMLOnlyBreak == nil {
                    let name = scalar == "\u{85}" ? "next-line character (U+0085)"
                        : scalar == "\u{2028}" ? "line separator (U+2028)" : "paragraph separator (U+2029)"
                    firstYAMLOnlyBreak = (starts.count, column - starts[starts.count - 1].columnOffset, name)
                }
                starts.append((line, column))
            default:
                column += 1
            }
        }
        lastColumn = column
    }

    /// libyaml's line and column just past the text's last character.
    var end: (line: Int, column: Int) { (starts.count, lastColumn + 1 - starts[starts.count - 1].columnOffset) }
    private var lastColumn = 0

    /// The same for a text with line feeds only.
    static func end(of yaml: String) -> (line: Int, column: Int) {
        let lastLine = yaml.lastIndex(of: "\n").map { yaml[yaml.index(after: $0)...] } ?? yaml[...]
        return (yaml.utf8.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }, lastLine.unicodeScalars.count + 1)
    }

    /// The text's line and column for libyaml's 1-based `line` and `column`.
    func fileLineAndColumn(line: Int, column: Int) -> (Int, Int) {
        guard line >= 1, line <= starts.count else { return (line, column) }
        let start = starts[line - 1]
        return (start.line, start.columnOffset + column)
    }
}
