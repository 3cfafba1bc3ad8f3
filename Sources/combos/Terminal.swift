import Catalog
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Printing to the terminal: diagnostics go to standard error, in colour when it is a terminal.
enum Terminal {
    static func printDiagnostics(_ diagnostics: [Diagnostic]) {
        let colour = isatty(STDERR_FILENO) == 1 && getenv("NO_COLOR") == nil
        var text = ""
        for diagnostic in diagnostics.sorted() {
            var block = diagnostic.description
            if colour {
                let label = "\(diagnostic.severity.rawValue):"
                let code = diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m"
                if let range = block.range(of: label) {
                    block.replaceSubrange(range, with: code + label + "\u{1B}[0m")
                }
            }
            text += block + "\n"
        }
        let errors = diagnostics.errors.count
        let warnings = diagnostics.warnings.count
        var counts: [String] = []
        if errors > 0 { counts.append("\(errors) error\(errors == 1 ? "" : "s")") }
        if warnings > 0 { counts.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
        text += counts.joined(separator: ", ") + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }
}
