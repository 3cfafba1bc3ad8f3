import Foundation

/// The text of one content file, with the path users see and fast access to its lines.
///
/// Line breaks are normalized to `\n` (CRLF files keep their line numbers) and a leading
/// byte-order mark is dropped, so columns count from the first visible character.
public struct SourceFile: Sendable {
    public let path: String
    public let text: String
    private let lineStarts: [String.Index]

    public init(path: String, text: String) {
        self.path = path
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if Self.offsets(of: UInt8(ascii: "\r"), in: &text).first != nil {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        // By bytes: a newline is one byte in UTF-8 and never part of another character. The
        // offsets are taken first, since `withUTF8` may move the text to native storage.
        let newlines = Self.offsets(of: UInt8(ascii: "\n"), in: &text)
        let utf8 = text.utf8
        self.lineStarts = [text.startIndex] + newlines.map { utf8.index(utf8.startIndex, offsetBy: $0 + 1) }
        self.text = text
    }

    /// The UTF-8 offsets of every `byte` in `text`, found with `memchr` (an editor's rebuild
    /// reads every content file again, and stepping a String index byte by byte was most of it).
    private static func offsets(of byte: UInt8, in text: inout String) -> [Int] {
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return [] }
            var found: [Int] = []
            var offset = 0
            while offset < bytes.count, let hit = memchr(base + offset, Int32(byte), bytes.count - offset) {
                let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                found.append(at)
                offset = at + 1
            }
            return found
        }
    }

    /// Reads a file, or explains why its bytes are not text: the location of the first byte
    /// that is not UTF-8.
    public static func read(path: String, displayPath: String) -> Result<SourceFile, Diagnostic> {
        bytes(path: path, displayPath: displayPath).flatMap { decode($0, displayPath: displayPath) }
    }

    /// A file's bytes, undecoded: `combos serve` compares them with the last read's before
    /// decoding anything.
    public static func bytes(path: String, displayPath: String) -> Result<Data, Diagnostic> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Diagnostic(at: SourceLocation(path: displayPath, line: 1, column: 1), "cannot read the file"))
        }
        return .success(data)
    }

    /// A file's bytes as text, or why they are not text (UTF-8 only), with where.
    public static func decode(_ data: Data, displayPath: String) -> Result<SourceFile, Diagnostic> {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            return .failure(Diagnostic(
                at: SourceLocation(path: displayPath, line: 1, column: 1),
                "the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8"))
        }
        if let text = String(validating: data, as: UTF8.self) {
            // NUL is valid UTF-8 but never text: UTF-16 without a byte-order mark has one in
            // every other byte, and a binary file saved under a record's name has many.
            // Searched in the raw bytes: `Data.firstIndex(of:)` checks exclusive access byte by byte.
            if let offset = data.withUnsafeBytes({ $0.firstIndex(of: 0) }) {
                let nul = data.startIndex + offset
                let before = String(decoding: data[data.startIndex..<nul], as: UTF8.self)
                let lines = before.split(separator: "\n", omittingEmptySubsequences: false)
                return .failure(Diagnostic(
                    at: SourceLocation(path: displayPath, line: lines.count, column: (lines.last?.unicodeScalars.count ?? 0) + 1),
                    "the file holds a NUL byte, so it is not text (UTF-16 without a byte-order mark, or binary); save it as UTF-8"))
            }
            return .success(SourceFile(path: displayPath, text: text))
        }
        let (line, column) = firstInvalidUTF8(in: data)
        return .failure(Diagnostic(
            at: SourceLocation(path: displayPath, line: line, column: column),
            "the file is not valid UTF-8 text (save it as UTF-8)"))
    }

    public var lineCount: Int { lineStarts.count }

    /// The text of a 1-based line without its line break, or nil past the end.
    public func line(_ number: Int) -> String? {
        lineText(number).map(String.init)
    }

    /// `line(_:)` as a slice of the text, without copying it.
    public func lineText(_ number: Int) -> Substring? {
        guard number >= 1, number <= lineStarts.count else { return nil }
        let start = lineStarts[number - 1]
        let end = number < lineStarts.count ? text.index(before: lineStarts[number]) : text.endIndex
        return text[start..<end]
    }

    /// Lines `first` through `last` with the line breaks between them (empty when `last` comes
    /// before `first`): the same text as those lines joined by "\n".
    public func lines(_ first: Int, through last: Int) -> Substring {
        guard first <= last, first >= 1, last <= lineStarts.count else { return "" }
        let start = lineStarts[first - 1]
        let end = last < lineStarts.count ? text.index(before: lineStarts[last]) : text.endIndex
        return text[start..<end]
    }

    public func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(path: path, line: line, column: column)
    }

    /// A diagnostic at a line and column of this file, carrying the line's text.
    public func diagnostic(
        _ severity: Severity = .error, line: Int, column: Int, _ message: String, span: Int = 1
    ) -> Diagnostic {
        Diagnostic(severity, at: location(line: line, column: column), message, lineText: self.line(line), span: span)
    }

    /// Line and column (in scalars) of the first byte that breaks UTF-8 decoding.
    private static func firstInvalidUTF8(in data: Data) -> (Int, Int) {
        let bytes = [UInt8](data)
        var line = 1
        var column = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, column)
            }
            guard index + length <= bytes.count,
                  String(validating: bytes[index..<index + length], as: UTF8.self) != nil
            else { return (line, column) }
            if byte == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += length
        }
        return (line, column)
    }
}
