import ArgumentParser
import Catalog

/// `combos check`: every diagnostic in the content, sorted by file and line; exit 1 on any error.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every record in the content folder and print each problem with its file:line:col."
    )

    @Option(name: .long, help: "The content folder.")
    var content: String = "content"

    func run() throws {
        let result = CatalogLoader.load(from: content)
        if !result.diagnostics.isEmpty {
            Terminal.printDiagnostics(result.diagnostics)
        }
        if result.diagnostics.hasErrors {
            throw ExitCode(1)
        }
        print("ok: \(result.catalog.summary)")
    }
}
