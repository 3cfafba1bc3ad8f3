import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// The combo filters and search as a visitor's browser runs them: headless Chromium on the
/// shipped site from `file://`, a harness page clicking and typing in a frame, and screenshots at
/// desktop and phone widths.
@Suite("Finding a combo in a browser")
struct FindingBrowserTests {
    static let harness = """
        <!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre>
        <iframe id="index" src="../hardware-combos/index.html" width="1200" height="800"></iframe>
        <iframe id="search" src="../search/index.html" width="1200" height="800"></iframe>
        <script>
        var out = {}, loaded = 0;
        function visible(doc) {
          return Array.prototype.filter.call(doc.querySelectorAll("#cards > li"), function (c) { return !c.hidden; })
            .map(function (c) { return c.querySelector("a").getAttribute("href").split("/").slice(-2)[0]; });
        }
        function click(doc, facet, value) { doc.querySelector("a[data-facet='" + facet + "'][data-value='" + value + "']").click(); }
        function run() {
          var win = document.getElementById("index").contentWindow, doc = win.document;
          out.start = visible(doc);
          click(doc, "budget", "under-4000");
          out.budget = visible(doc); out.budgetQuery = win.location.search;
          click(doc, "runs", "llama-3.3-70b");
          out.both = visible(doc); out.bothQuery = win.location.search;
          out.status = doc.getElementById("filter-count").textContent;
          out.pressed = Array.prototype.filter.call(doc.querySelectorAll("a[data-facet]"), function (a) { return a.getAttribute("aria-pressed") === "true"; })
            .map(function (a) { return a.dataset.facet + "=" + a.dataset.value; });
          click(doc, "budget", "under-4000");
          out.runsOnly = visible(doc); out.runsOnlyQuery = win.location.search;

          var swin = document.getElementById("search").contentWindow, sdoc = swin.document;
          var input = sdoc.getElementById("search-query");
          input.value = "RTX 3090";
          input.dispatchEvent(new Event("input", { bubbles: true }));
          out.results = Array.prototype.map.call(sdoc.querySelectorAll("#search-results a"), function (a) { return a.getAttribute("href"); });
          out.searchQuery = swin.location.search;
          document.getElementById("out").textContent = JSON.stringify(out);
        }
        Array.prototype.forEach.call(document.querySelectorAll("iframe"), function (frame) {
          frame.onload = function () { loaded += 1; if (loaded === 2) setTimeout(run, 100); };
        });
        </script></body></html>
        """

    struct Walk: Decodable {
        let start: [String]
        let budget: [String]
        let budgetQuery: String
        let both: [String]
        let bothQuery: String
        let status: String
        let pressed: [String]
        let runsOnly: [String]
        let runsOnlyQuery: String
        let results: [String]
        let searchQuery: String
    }

    /// What a filter page built without JavaScript lists, by combo id.
    static func listed(_ file: String) throws -> [String] {
        FindingTests.cards(try ShippedSite.page(file)).map { FindingTests.comboID($0.href) }
    }

    @Test("clicking filters on the index combines them, changes the card count and keeps the state in the query string; typing in search shows result links")
    func clickAndType() throws {
        let walk = try ShippedSite.runHarness(Self.harness, in: "zz-finding", as: Walk.self)

        #expect(walk.start.count == ShippedSite.catalog.combos.all.count)
        // The same combos the pre-rendered pages list, in the same order.
        #expect(walk.budget == (try Self.listed("hardware-combos/budget/under-4000/index.html")))
        #expect(walk.both == (try Self.listed("hardware-combos/budget/under-4000/runs/llama-3.3-70b/index.html")))
        #expect(walk.runsOnly == (try Self.listed("hardware-combos/runs/llama-3.3-70b/index.html")))
        #expect(walk.start.count > walk.budget.count && walk.budget.count > walk.both.count && !walk.both.isEmpty)
        #expect(walk.budgetQuery == "?budget=under-4000")
        #expect(walk.bothQuery == "?budget=under-4000&runs=llama-3.3-70b")
        #expect(walk.runsOnlyQuery == "?runs=llama-3.3-70b")
        #expect(walk.status == "Showing \(walk.both.count) of \(walk.start.count) combos")
        #expect(Set(walk.pressed) == ["budget=under-4000", "runs=llama-3.3-70b"])

        #expect(!walk.results.isEmpty)
        #expect(walk.results.contains("../hardware-combos/rtx-3090-single/index.html"))
        #expect(walk.results.contains("../hardware/rtx-3090/index.html"))
        #expect(walk.searchQuery == "?q=RTX%203090")
    }

    /// A visitor's three clicks, in one frame: home, "Under $4,000", "Llama 3.3 70B at 4-bit",
    /// then the first combo. Each step clicks a link the page shows and waits for the next page.
    static let walkFromHome = """
        <!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre>
        <iframe id="frame" src="../index.html" width="1280" height="900"></iframe>
        <script>
        var frame = document.getElementById("frame"), steps = [], visited = [];
        function follow(pick) {
          var link = pick(frame.contentWindow.document);
          if (!link) { finish("no link at step " + visited.length); return; }
          link.click();
        }
        function finish(error) {
          var doc = frame.contentWindow.document;
          document.getElementById("out").textContent = JSON.stringify({
            visited: visited, error: error || null, h1: doc.querySelector("h1") ? doc.querySelector("h1").textContent : null });
        }
        steps = [
          function (doc) { return doc.querySelector("a[href$='hardware-combos/budget/under-4000/index.html']"); },
          function (doc) { return doc.querySelector("a[href*='runs/llama-3.3-70b/']"); },
          function (doc) { return doc.querySelector("#cards > li a"); }
        ];
        frame.onload = function () {
          visited.push(frame.contentWindow.location.pathname.split("/").slice(-3).join("/"));
          if (visited.length > steps.length) { finish(); return; }
          var step = steps[visited.length - 1];
          setTimeout(function () { follow(step); }, 50);
        };
        </script></body></html>
        """

    /// A page in a frame as wide as a phone (390 px): how far its tables of a kind (TABLE) run
    /// past their wrappers, and what the cells of their first row say they are.
    static let phone = """
        <!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre>
        <iframe id="frame" src="../PAGE" width="390" height="800"></iframe>
        <script>
        var frame = document.getElementById("frame");
        frame.onload = function () {
          setTimeout(function () {
            var doc = frame.contentWindow.document;
            var wrappers = Array.prototype.filter.call(doc.querySelectorAll(".table-scroll"), function (w) { return w.querySelector("TABLE"); });
            var row = doc.querySelector("TABLE tbody tr");
            var cells = Array.prototype.map.call(row.querySelectorAll("td"), function (td) {
              return frame.contentWindow.getComputedStyle(td, "::before").content;
            });
            var right = Math.max.apply(null, Array.prototype.map.call(row.children, function (cell) { return cell.getBoundingClientRect().right; }));
            // How far any cell's content runs past the cell, into its neighbour's.
            var spill = Math.max.apply(null, Array.prototype.map.call(doc.querySelectorAll("TABLE td[data-label]"), function (cell) {
              return cell.scrollWidth - cell.clientWidth;
            }));
            document.getElementById("out").textContent = JSON.stringify({
              tables: wrappers.length,
              overflow: Math.max.apply(null, wrappers.map(function (w) { return w.scrollWidth - w.clientWidth; })),
              page: doc.documentElement.scrollWidth - doc.documentElement.clientWidth,
              cells: cells, right: right, spill: spill, width: doc.documentElement.clientWidth });
          }, 100);
        };
        </script></body></html>
        """

    struct Phone: Decodable {
        let tables: Int
        let overflow: Double
        let page: Double
        let cells: [String]
        let right: Double
        let spill: Double
        let width: Double
    }

    @Test("at phone width the tables of fit rows (a will-it-run page's, a model's \"Where it runs\") fit the screen, each cell naming its column and holding its content",
          arguments: [
            ("will-it-run/combo/quad-rtx-3090/index.html", "table.fits",
             ["Runtime and split", "Decode, tokens/s", "Prefill, tokens/s", "Memory per device"]),
            ("models/llama-3.3-70b/index.html", "table.runs-on",
             ["4-bit quant", "Runtime and split", "Decode, tokens/s", "Verdict", "Most faithful without offload"]),
          ])
    func phoneWidth(page: String, table: String, labels: [String]) throws {
        let harness = Self.phone.replacingOccurrences(of: "PAGE", with: page).replacingOccurrences(of: "TABLE", with: table)
        // A folder per case: the cases run at the same time.
        let phone = try ShippedSite.runHarness(harness, in: "zz-phone-" + table.dropFirst("table.".count), as: Phone.self)
        #expect(phone.tables >= 1)
        #expect(phone.overflow <= 0, "\(table) runs \(phone.overflow) px past its wrapper at 390 px")
        #expect(phone.page <= 0)
        #expect(phone.cells == labels.map { "\"" + $0 + "\"" })
        #expect(phone.right <= phone.width)
        #expect(phone.spill <= 0, "a cell's content runs \(phone.spill) px into the next one at 390 px")
    }

    struct HomeWalk: Decodable {
        let visited: [String]
        let error: String?
        let h1: String?
    }

    @Test("from the home page to a combo that runs a 70B model under $4,000 in three clicks, in a browser")
    func threeClicksFromHome() throws {
        // Its own folder: the builder walk-through writes a harness of its own beside it, and
        // the two tests run at the same time (sharing one folder, each read the other's page).
        let walk = try ShippedSite.runHarness(Self.walkFromHome, in: "zz-finding-walk", as: HomeWalk.self)
        #expect(walk.error == nil)
        #expect(walk.visited.count == 4, "home and three clicks: \(walk.visited)")
        let last = try #require(walk.visited.last)
        #expect(last.hasPrefix("hardware-combos/") && last.hasSuffix("/index.html"))
        let id = last.split(separator: "/")[1]
        let combo = try #require(ShippedSite.catalog[RecordID<Combo>(String(id))], "\(last)")
        #expect(walk.h1 == combo.title)
        // The combo really is under $4,000 and runs the 70B: the pre-rendered page listed it.
        #expect(try Self.listed("hardware-combos/budget/under-4000/runs/llama-3.3-70b/index.html").contains(String(id)))
    }

    @Test("a shared link with filters in the query string opens the index filtered")
    func sharedLink() throws {
        let dom = try Chromium.dumpDOM("file://\(ShippedSite.output)/hardware-combos/index.html?budget=under-4000&runs=llama-3.3-70b")
        let cards = FindingTests.cards(dom)
        #expect(cards.count == ShippedSite.catalog.combos.all.count)
        let expected = try Self.listed("hardware-combos/budget/under-4000/runs/llama-3.3-70b/index.html")
        #expect(cards.filter { !$0.hidden }.map { FindingTests.comboID($0.href) } == expected)
        #expect(dom.contains("data-shown=\"\(expected.count)\""))
        #expect(dom.contains("Showing \(expected.count) of \(cards.count) combos"))
        // Without JavaScript the same link shows every combo, and the filter links lead to pages.
        let built = try ShippedSite.page("hardware-combos/index.html")
        #expect(FindingTests.cards(built).allSatisfy { !$0.hidden } && FindingTests.cards(built).count == ShippedSite.catalog.combos.all.count)
    }

    @Test("a search link opens with its results", arguments: ["Strix Halo", "exo"])
    func searchLink(query: String) throws {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
        let dom = try Chromium.dumpDOM("file://\(ShippedSite.output)/search/index.html?q=\(encoded)")
        #expect(dom.contains("data-ready=\"true\""))
        let results = dom.components(separatedBy: "<ol id=\"search-results\"")[1].components(separatedBy: "</ol>")[0]
        #expect(results.contains("href=\"../"), "no result for \(query)")
        #expect(results.lowercased().contains(query.lowercased()))
    }

    @Test("screenshots of the filtered index and of search results at desktop and phone widths are not blank", arguments: [1280, 390])
    func screenshots(width: Int) throws {
        let height = 1600
        let blank = try Chromium.screenshot("about:blank", width: width, height: height)
        for page in ["hardware-combos/index.html?budget=under-4000&runs=llama-3.3-70b", "search/index.html?q=70B", "index.html"] {
            let png = try Chromium.screenshot("file://\(ShippedSite.output)/\(page)", width: width, height: height)
            // A PNG's width is bytes 16-19 of its header.
            let pngWidth = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
            #expect(pngWidth == width, "\(page)")
            // A page with text and borders compresses far worse than an empty one.
            #expect(png.count > 4 * blank.count && png.count > 20_000, "\(page) at \(width) px looks blank: \(png.count) bytes against \(blank.count)")
            try Data(png).write(to: URL(fileURLWithPath: NSTemporaryDirectory() + "finding-\(width)-\(page.split(separator: "/")[0]).png"))
        }
    }
}
