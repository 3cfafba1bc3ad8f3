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
    public static func split(_ file: SourceFile) -> Result<FrontMatter, Diagnostic> {
        guard let first = file.line(1), isFence(first, opening: true) else {
            return .failure(file.diagnostic(
                line: 1, column: 1,
                "a Markdown record must start with a '---' line opening its YAML front matter",
                span: file.line(1)?.count ?? 1))
        }
        var closing: Int?
        var number = 2
        while number <= file.lineCount {
            if let line = file.line(number), isFence(line, opening: false) {
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
        let yaml = (2..<closing).compactMap { file.line($0) }.joined(separator: "\n")
        let body = closing < file.lineCount
            ? (closing + 1...file.lineCount).compactMap { file.line($0) }.joined(separator: "\n")
            : ""
        return .success(FrontMatter(yaml: yaml, yamlFirstLine: 2, body: body, bodyFirstLine: closing + 1))
    }

    private static func isFence(_ line: String, opening: Bool) -> Bool {
        let trimmed = line.trimmingTrailingWhitespace()
        return trimmed == "---" || (!opening && trimmed == "...")
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var result = Substring(self)
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return String(result)
    }
}
