import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// A catalog far bigger than the shipped one: lists split into pages or stop at a readable
/// length and say where the rest is, so no page grows with the catalog.
@Suite("Long lists")
struct LongListTests {
    /// The fixture site with 130 more copies of its GPU box (each its own combo).
    static func bigSite() -> FixtureSite {
        let site = FixtureSite()
        let text = site.read("content/combos/gpu-box.md")
        for index in 1...130 {
            site.write("content/combos/box-\(index).md", text.replacingOccurrences(of: "title: Four-GPU box", with: "title: Four-GPU box number \(index)"))
        }
        return site
    }

    @Test("the feed holds the 100 newest dated records, newest first")
    func feedLimit() throws {
        let site = Self.bigSite()
        defer { site.destroy() }
        // One copy reviewed later than the rest: it leads the feed.
        site.write("content/combos/box-77.md", site.read("content/combos/box-77.md").replacingOccurrences(of: "reviewed: 2026-11-25", with: "reviewed: 2026-11-26"))
        let options = SiteBuilder.Options(
            content: site.content, templates: FixtureSite.packageRoot + "/templates", output: site.path("public"),
            baseURL: "https://combos.example/")
        _ = try SiteBuilder.build(options)
        let feed = site.read("public/feed.xml")
        let entries = feed.components(separatedBy: "<entry>").dropFirst()
        let catalog = CatalogLoader.load(from: site.content).catalog
        let dated = catalog.combos.all.compactMap(\.reviewed) + catalog.guides.all.compactMap { $0.updated ?? $0.published }
            + catalog.benchmarks.all.compactMap(\.measured)
        #expect(dated.count > AtomFeed.limit)
        #expect(entries.count == AtomFeed.limit)
        #expect(entries.first?.contains("https://combos.example/hardware-combos/box-77/") == true)
        // None left out is newer than the oldest one in.
        let days = entries.compactMap { $0.components(separatedBy: "<updated>").dropFirst().first?.prefix(10) }.map(String.init)
        #expect(days.count == AtomFeed.limit && days == days.sorted(by: >))
        let oldestIn = try #require(days.last)
        #expect(dated.map(\.description).sorted(by: >).dropFirst(AtomFeed.limit).allSatisfy { $0 <= oldestIn })
    }

    @Test("the combo index, its filter pages and the home page show 100 cards a page, and every combo is on one of the index's pages")
    func pagedIndex() throws {
        let site = Self.bigSite()
        defer { site.destroy() }
        let options = SiteBuilder.Options(
            content: site.content, templates: FixtureSite.packageRoot + "/templates", output: site.path("public"),
            baseURL: "https://combos.example/")
        _ = try SiteBuilder.build(options)
        func page(_ path: String) throws -> String {
            try String(contentsOfFile: site.path("public/" + path), encoding: .utf8)
        }
        func cards(_ html: String) -> Int { html.components(separatedBy: "<li class=\"card").count - 1 }
        let first = try page("hardware-combos/index.html")
        let second = try page("hardware-combos/page/2/index.html")
        #expect(cards(first) == 100)
        #expect(cards(second) == 32)
        #expect(!FileManager.default.fileExists(atPath: site.path("public/hardware-combos/page/3/index.html")))
        #expect(first.contains("Page 1 of 2") && second.contains("Page 2 of 2"))
        #expect(first.contains("<a rel=\"next\" href=\"../hardware-combos/page/2/index.html\">Next</a>"))
        #expect(second.contains("<a rel=\"prev\" href=\"../../../hardware-combos/index.html\">Previous</a>"))
        // A paged list is not filtered live (its script would only see one page of cards).
        #expect(first.contains("id=\"cards\" aria-labelledby=\"list-heading\" data-paged=\"true\""))
        let catalog = site.load().catalog
        for combo in catalog.combos {
            #expect(first.contains("hardware-combos/\(combo.id)/index.html") || second.contains("hardware-combos/\(combo.id)/index.html"),
                    "\(combo.id) is on no page of the index")
        }
        // Filter pages page the same way.
        let advanced = try page("hardware-combos/difficulty/advanced/index.html")
        if cards(advanced) == 100 {
            #expect(FileManager.default.fileExists(atPath: site.path("public/hardware-combos/difficulty/advanced/page/2/index.html")))
        }
        // The home page shows one page of cards and links to the rest.
        let home = try page("index.html")
        #expect(home.contains("And 32 more combos, cheapest first."))
        // A device page lists 50 of the combos that use it and says how many more.
        let device = try page("hardware/gpu-24/index.html")
        let using = Backlinks(catalog).combos(withDevice: RecordID<Device>("gpu-24")).count
        #expect(using > ListLimit.inline)
        #expect(device.contains("And \(using - ListLimit.inline) more combos that use it."))
        let section = try #require(device.components(separatedBy: "id=\"combos\"").dropFirst().first)
        #expect(section.components(separatedBy: "</section>")[0].components(separatedBy: "<li>").count - 1 == ListLimit.inline)
        #expect(!first.contains("<a href=\"../hardware-combos/page/1/"))
        #expect(!FileManager.default.fileExists(atPath: site.path("public/hardware-combos/page/1/index.html")))
    }

    @Test("a combo named page is refused: it would hide the index's later pages")
    func pageIsReserved() {
        let site = FixtureSite()
        defer { site.destroy() }
        site.write("content/combos/page.md", site.read("content/combos/gpu-box.md").replacingOccurrences(of: "title: Four-GPU box", with: "title: Paged box"))
        let catalog = site.load().catalog
        #expect(ComboFacets.collisions(catalog).map(\.message).contains { $0.contains("the combo id \"page\" is taken") })
    }
}
