import Catalog
import FixtureSupport
import Foundation
@testable import Site

/// The shipped catalog built once with the shipped templates, for the tests that read its pages
/// as a visitor's browser receives them. Built once per test run: every suite instance shares it.
enum ShippedSite {
    static let output: String = {
        let root = FixtureSite.packageRoot
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("combos-shipped-\(UUID().uuidString)").path
        let options = SiteBuilder.Options(
            content: root + "/content", templates: root + "/templates", output: output, baseURL: "https://combos.example/")
        do throws(DiagnosticsError) {
            _ = try SiteBuilder.build(options)
        } catch {
            fatalError("the shipped catalog does not build: \(error.diagnostics.map(\.description).joined(separator: "\n"))")
        }
        return output
    }()

    static let catalog: Catalog = CatalogLoader.load(from: FixtureSite.packageRoot + "/content").catalog

    static func page(_ path: String) throws -> String {
        try String(contentsOfFile: output + "/" + path, encoding: .utf8)
    }

    /// The HTML of one section of a page, from its opening tag to the next section.
    static func section(_ id: String, in html: String) -> String? {
        guard let start = html.range(of: "<section id=\"\(id)\"") else { return nil }
        let rest = html[start.upperBound...]
        let end = rest.range(of: "<section id=")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }
}
