import Catalog
import Testing

/// The front matter and body are slices of the file's text: they must be the very lines an
/// editor wrote, joined by line breaks, with the line numbers diagnostics count from.
@Suite("Splitting a Markdown record")
struct FrontMatterTests {
    /// The split as the file's lines define it, one line at a time.
    func byLines(_ file: SourceFile) -> FrontMatter? {
        func isFence(_ line: String, closing: Bool) -> Bool {
            var trimmed = Substring(line)
            while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
            return trimmed == "---" || (closing && trimmed == "...")
        }
        guard let first = file.line(1), isFence(first, closing: false),
              let closing = (2...max(2, file.lineCount)).first(where: { file.line($0).map { isFence($0, closing: true) } ?? false })
        else { return nil }
        return FrontMatter(
            yaml: (2..<closing).compactMap { file.line($0) }.joined(separator: "\n"), yamlFirstLine: 2,
            body: closing < file.lineCount ? (closing + 1...file.lineCount).compactMap { file.line($0) }.joined(separator: "\n") : "",
            bodyFirstLine: closing + 1)
    }

    @Test("the parts are the lines between and after the fences", arguments: [
        "---\ntitle: A\nsummary: B\n---\nBody line one.\n\nBody line two.\n",
        "---\ntitle: A\n---\nNo newline at the end",
        "---\ntitle: A\n---\n",
        "---\ntitle: A\n---",
        "---\n---\nOnly a body.\n",
        "---  \ntitle: A\n...\t\nClosed by dots, fences with trailing blanks.\n\n\n",
        "\u{FEFF}---\r\ntitle: Ä\r\n---\r\nWindows line breaks, ünïcödé.\r\n",
        "---\ntitle: A\n----\nnot a fence\n---\nBody after a near miss.\n",
        "---\ntitle: A\n --- \n---\nindented fence is not one\n",
    ])
    func partsAreTheLines(text: String) throws {
        let file = SourceFile(path: "combos/x.md", text: text)
        let split = try FrontMatter.split(file).get()
        #expect(split == byLines(file))
    }

    @Test("a file without both fences is refused where it starts", arguments: [
        "title: A\n---\n", "---\ntitle: A\n", "", " ---\ntitle: A\n---\n",
    ])
    func unfenced(text: String) {
        let file = SourceFile(path: "combos/x.md", text: text)
        guard case .failure(let diagnostic) = FrontMatter.split(file) else {
            Issue.record("split \(text.debugDescription)")
            return
        }
        #expect(diagnostic.location.line == 1 && diagnostic.location.column == 1)
        #expect(byLines(file) == nil)
    }
}
