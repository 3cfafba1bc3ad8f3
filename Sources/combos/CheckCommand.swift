import ArgumentParser
import Catalog
import Foundation
import Site

/// `combos check`: every diagnostic in the content, sorted by file and line; exit 1 on any error.
/// With the templates at hand it also renders every page in memory and checks every link, so
/// a broken link in Markdown is found without building.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check every record, then every page and link, and print each problem as file:line:col."
    )

    @Option(name: .long, help: "The content folder.")
    var content: String = "content"

    @Option(name: .long, help: "The templates folder; when it exists, pages are rendered in memory and links checked.")
    var templates: String = "templates"

    func run() throws {
        guard FileManager.default.fileExists(atPath: templates) else {
            let result = CatalogLoader.load(from: content)
            if !result.diagnostics.isEmpty { Terminal.printDiagnostics(result.diagnostics) }
            if result.diagnostics.hasErrors { throw ExitCode(1) }
            print("ok: \(result.catalog.summary) (no \(templates)/ folder, so pages and links were not checked)")
            return
        }
        do {
            let report = try SiteBuilder.check(SiteBuilder.Options(content: content, templates: templates))
            if !report.warnings.isEmpty { Terminal.printDiagnostics(report.warnings) }
            print("ok: \(report.catalogSummary); \(report.pages) pages render and every link resolves")
        } catch {
            Terminal.printDiagnostics(error.diagnostics)
            throw ExitCode(1)
        }
    }
}
