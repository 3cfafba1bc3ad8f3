/// A Markdown record split into its YAML front matter and its Markdown body.
///
/// The file starts with a line `---`, then YAML, then a closing `---` (or `...`) line, then
/// the body. Line numbers are kept so that both parts report positions in the whole file.
public struct FrontMatter: Sendable, Equatable {
    /// The YAML between the fences.
    public var yaml: String
    /// File line number of the first YAML line (the line after the opening fence).
    public var yamlFirstLine: Int
    /// The Markdown after the closing fence.
    public var body: String
    /// File line number of the first body line.
    public var bodyFirstLine: Int

    public init(yaml: String, yamlFirstLine: Int, body: String, bodyFirstLine: Int) {
        self.yaml = yaml
        self.yamlFirstLine = yamlFirstLine
        self.body = body
        self.bodyFirstLine = bodyFirstLine
    }

    /// Splits a file, or says precisely why it cannot be split.
    ///
    /// Each part is one slice of the file's text (its lines as they stand, joined by their line
    /// breaks), not its lines made one by one and joined again: every record file is split on
    /// every build, and at ten thousand combos making the lines was a fifth of loading a record
    /// read back from the record cache.
    public static func split(_ file: SourceFile) -> Result<FrontMatter, Diagnostic> {
        guard let first = file.lineText(1), isFence(first, opening: true) else {
            return .failure(file.diagnostic(
                line: 1, column: 1,
                "a Markdown record must start with a '---' line opening its YAML front matter",
                span: file.line(1)?.count ?? 1))
        }
        var closing: Int?
        var number = 2
        while number <= file.lineCount {
            if let line = file.lineText(number), isFence(line, opening: false) {
                closing = number
                break
            }
            number += 1
        }
        guard let closing else {
            return .failure(file.diagnostic(
                line: 1, column: 1,
                "the front matter opened here is never closed: add a line '---' after the last field",
                span: 3))
        }
        let yaml = String(file.lines(2, through: closing - 1))
        let body = String(file.lines(closing + 1, through: file.lineCount))
        return .success(FrontMatter(yaml: yaml, yamlFirstLine: 2, body: body, bodyFirstLine: closing + 1))
    }

    /// `---` (or, closing, `...`), with any spaces or tabs after it.
    private static func isFence(_ line: Substring, opening: Bool) -> Bool {
        var trimmed = line.utf8[...]
        while let last = trimmed.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { trimmed = trimmed.dropLast() }
        return trimmed.elementsEqual("---".utf8) || (!opening && trimmed.elementsEqual("...".utf8))
    }
}
