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

    /// The first line alone: `path:line:col: error: message`.
    public var headline: String { "\(location): \(severity.rawValue): \(message)" }

    /// The headline, the offending line and a caret line.
    public var description: String {
        guard let lineText, location.line > 0 else { return headline }
        let number = String(location.line)
        let gutter = String(repeating: " ", count: number.count)
        // Keep tabs where the line has tabs so the caret lands under the right character.
        let prefix = lineText.unicodeScalars.prefix(max(0, location.column - 1))
            .map { $0 == "\t" ? "\t" : " " }.joined()
        let available = max(1, lineText.unicodeScalars.count - (location.column - 1))
        let marker = "^" + String(repeating: "~", count: max(0, min(span, available) - 1))
        return "\(headline)\n \(number) | \(lineText)\n \(gutter) | \(prefix)\(marker)"
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
