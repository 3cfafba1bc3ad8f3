import Catalog
import FixtureSupport
import Foundation
@testable import Site

/// The shipped catalog built once with the shipped templates, for the tests that read its pages
/// as a visitor's browser receives them. Built once per test run: every suite instance shares it.
enum ShippedSite {
    static let output: String = {
        let root = FixtureSite.packageRoot
        let output = TestScratch.path("combos-shipped")
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

    /// The folders browser tests put harness pages in, inside the shared output (so their
    /// relative links reach the site's assets) while they run: not the build's, and left out
    /// by every test that reads the whole output.
    static let scratchFolders = ["zz-parity", "zz-walk", "zz-finding", "zz-finding-walk", "zz-phone-fits", "zz-phone-runs-on"]

    /// The path of a scratch folder (one of `scratchFolders`) in the shared output.
    static func scratch(_ name: String) -> String {
        precondition(scratchFolders.contains(name), "\(name) is not in ShippedSite.scratchFolders")
        return output + "/" + name
    }

    /// Whether a path relative to the output is in one of `scratchFolders`.
    static func isScratch(_ relative: String) -> Bool {
        scratchFolders.contains { relative == $0 || relative.hasPrefix($0 + "/") }
    }

    /// Runs a harness page (it loads site pages in frames and writes what it found as JSON into
    /// `<pre id="out">`) from a scratch folder in headless Chromium, and decodes what it wrote.
    static func runHarness<Found: Decodable>(_ html: String, in scratch: String, as: Found.Type) throws -> Found {
        let folder = Self.scratch(scratch)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try html.write(toFile: folder + "/index.html", atomically: true, encoding: .utf8)
        let dom = try Chromium.dumpDOM("file://\(folder)/index.html", seconds: 30, allowFileAccess: true)
        guard let start = dom.range(of: "<pre id=\"out\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            throw Chromium.Failure(description: "the harness in \(scratch) wrote nothing: \(dom.prefix(500))")
        }
        let json = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONDecoder().decode(Found.self, from: Data(json.utf8))
    }

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
