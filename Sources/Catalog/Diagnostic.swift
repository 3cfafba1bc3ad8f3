/// A place in a source file: the path as the user should see it (relative to the working
/// directory when possible, so terminals and editors make it clickable), a 1-based line and a
/// 1-based column counted in Unicode scalars, as libyaml counts them.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// `path:line:col`, or just the path for problems with a whole file or folder (line 0).
    public var description: String { line > 0 ? "\(path):\(line):\(column)" : path }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}

public enum Severity: String, Sendable, Hashable {
    case error
    case warning
}

/// One problem found in the content, the templates or the output, with where it is.
///
/// Printed like a compiler diagnostic: `path:line:col: error: message`, then the offending line
/// and a caret under the column.
public struct Diagnostic: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// The text of the offending line, without its line break, when there is one to show.
    public var lineText: String?
    /// How many characters from the column the problem spans (1 draws a lone caret).
    public var span: Int

    public init(
        _ severity: Severity = .error, at location: SourceLocation, _ message: String,
        lineText: String? = nil, span: Int = 1
    ) {
        self.severity = severity
        self.location = location
        self.message = message
        self.lineText = lineText
        self.span = max(1, span)
    }

    /// Lines longer than this many characters are shown in part, around the column.
    static let longLine = 160

    /// The first line alone: `path:line:col: error: message`.
    public var headline: String { "\(location): \(severity.rawValue): \(message)" }

    /// The headline, the offending line and a caret line.
    public var description: String {
        guard let written = lineText, location.line > 0 else { return headline }
        let number = String(location.line)
        let gutter = String(repeating: " ", count: number.count)
        // A very long line (minified, or a whole file on one line) is shown around the column.
        // Control characters shown as symbols: printed as they are, a terminal would obey them.
        let lineText = ControlCharacters.visible(written)
        var scalars = Array(lineText.unicodeScalars)
        var column = location.column
        var shown = ""
        if scalars.count > Self.longLine {
            let start = max(0, min(column - 1 - Self.longLine / 2, scalars.count - Self.longLine))
            let end = min(scalars.count, start + Self.longLine)
            shown = (start > 0 ? "…" : "")
            column -= start - (start > 0 ? 1 : 0)
            scalars = Array(scalars[start..<end])
            shown += String(String.UnicodeScalarView(scalars)) + (end < lineText.unicodeScalars.count ? "…" : "")
            if start > 0 { scalars.insert(" ", at: 0) }
        } else {
            shown = lineText
        }
        // Keep tabs where the line has tabs so the caret lands under the right character.
        let prefix = scalars.prefix(max(0, column - 1))
            .map { $0 == "\t" ? "\t" : " " }.joined()
        let available = max(1, scalars.count - (column - 1))
        let marker = "^" + String(repeating: "~", count: max(0, min(span, available) - 1))
        return "\(headline)\n \(number) | \(shown)\n \(gutter) | \(prefix)\(marker)"
    }

    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.location, a.message) < (b.location, b.message)
    }
}

extension Array where Element == Diagnostic {
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Every diagnostic, sorted by path, line and column, one block per diagnostic.
    public func rendered() -> String {
        sorted().map(\.description).joined(separator: "\n")
    }
}

/// Thrown when a stage finds problems; carries every one of them, not just the first.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted()
    }

    public var description: String {
        let errors = diagnostics.errors.count
        return diagnostics.rendered() + "\n\(errors) error\(errors == 1 ? "" : "s")"
    }
}
