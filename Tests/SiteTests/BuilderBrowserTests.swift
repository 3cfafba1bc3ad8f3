import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Fit
@testable import Site

/// The builder as a visitor's browser runs it: loaded with a query string in headless Chromium,
/// its result rows read back and checked against the engine.
@Suite("Builder in a browser")
struct BuilderBrowserTests {
    let catalog = ShippedSite.catalog

    struct Row: Equatable {
        let model: String
        let quant: String
        let verdict: String
        let decode: Double
    }

    /// Rows as the page has them after its script ran (or as built, for a page without one).
    static func rows(_ html: String) -> [Row] {
        // Will-it-run pages show a model's other quants as list items under its row.
        html.replacingOccurrences(of: "<li id=\"", with: "<tr id=\"").components(separatedBy: "<tr id=\"").dropFirst().compactMap { chunk in
            func attribute(_ name: String) -> String? {
                guard let start = chunk.range(of: "\(name)=\"") else { return nil }
                let rest = chunk[start.upperBound...]
                return rest.range(of: "\"").map { String(rest[..<$0.lowerBound]).replacingOccurrences(of: "&amp;", with: "&") }
            }
            guard let model = attribute("data-model"), let quant = attribute("data-quant"), let verdict = attribute("data-verdict"),
                  let decode = attribute("data-decode-tps").flatMap(Double.init) else { return nil }
            return Row(model: model, quant: quant, verdict: verdict, decode: decode)
        }
    }

    static func builder(_ query: String) throws -> String {
        let dom = try Chromium.dumpDOM("file://\(ShippedSite.output)/will-it-run/custom/index.html?\(query)")
        #expect(dom.contains("data-ready=\"true\""), "the builder's script did not finish")
        return dom
    }

    /// The text of an element with this id.
    static func text(of id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        let rest = html[start.upperBound...]
        guard let open = rest.range(of: ">"), let close = rest.range(of: "</") else { return nil }
        return String(rest[open.upperBound..<close.lowerBound])
    }

    @Test("a query string configures the builder, and every row matches combos fit --json for that configuration")
    func rowsMatchTheCommandLine() throws {
        let dom = try Self.builder("devices=rtx-3090:2,rtx-4090:1&platform=linux&runtime=llama-cpp&context=8192")
        let rows = Self.rows(dom)
        #expect(rows.count == catalog.models.all.reduce(0) { $0 + $1.quants.count })
        let rtx3090 = try #require(catalog[RecordID<Device>("rtx-3090")])
        let rtx4090 = try #require(catalog[RecordID<Device>("rtx-4090")])
        let linux = try #require(catalog[RecordID<Platform>("linux")])
        let llama = try #require(catalog[RecordID<Runtime>("llama-cpp")])
        let hardware = Hardware(devices: [(rtx3090, 2), (rtx4090, 1)], platform: linux, hostRAMGB: nil)
        var verdicts: Set<String> = []
        for row in rows {
            let model = try #require(catalog[RecordID<Model>(row.model)])
            let quant = try #require(model.quant(named: row.quant))
            let request = FitRequest(model: model, quant: quant, runtime: llama, contextTokens: 8192)
            let result = FitEngine.evaluate(request, on: hardware)
            // What `combos fit --device rtx-3090:2 --device rtx-4090 --model … --quant … --runtime llama-cpp --json` prints.
            let report = try JSONSerialization.jsonObject(with: Data(FitReport(request: request, result: result, fixes: [], measured: []).json().utf8)) as? [String: Any]
            let verdict = try #require(report?["verdict"] as? String)
            #expect(row.verdict == verdict, "\(row.model) \(row.quant)")
            verdicts.insert(verdict)
            if verdict == "fits" || verdict == "tight" {
                let decode = try #require((report?["decode_tps"] as? [String: Any])?["value"] as? Double)
                #expect(abs(row.decode - decode) <= 0.006 * decode + 0.006, "\(row.model) \(row.quant): \(row.decode) against \(decode)")
            } else {
                #expect(row.decode == 0)
            }
        }
        #expect(verdicts.isSuperset(of: ["fits", "no-fit", "unsupported"]))
        // The form shows the configuration it was given.
        #expect(dom.contains("Results for <strong>2× NVIDIA GeForce RTX 3090 + NVIDIA GeForce RTX 4090 on Linux"))
    }

    @Test("unknown or malformed query values say so and fall back to defaults; the page still answers")
    func badQueries() throws {
        let dom = try Self.builder("devices=rtx-3099:2,rtx-4090:x&platform=beos&runtime=nope&context=lots&kv=q2&colour=red&link=thunderbolt-5:Infinity:rdma")
        let message = try #require(Self.text(of: "builder-message", in: dom))
        #expect(message.contains("There is no device “rtx-3099” in the catalog"))
        #expect(message.contains("The count for rtx-4090 must be a whole number"))
        #expect(message.contains("There is no platform “beos”"))
        #expect(message.contains("There is no runtime “nope”"))
        #expect(message.contains("The context must be a whole number"))
        #expect(message.contains("The KV cache type “q2”"))
        #expect(message.contains("The parameter “colour” is not one the builder reads"))
        #expect(message.contains("The link “thunderbolt-5:Infinity:rdma” is not INTERCONNECT:GBIT:TRANSPORT:SHAPE"))
        #expect(!Self.rows(dom).isEmpty)
        #expect(dom.contains("Results for <strong>NVIDIA GeForce RTX 4090 on Linux"))

        let empty = try Self.builder("devices=&machines=")
        #expect(Self.text(of: "builder-message", in: empty)?.contains("the default configuration is shown") == true)
        #expect(!Self.rows(empty).isEmpty)
    }

    @Test("a combo page's Open in builder link reproduces the combo's own will-it-run results")
    func comboLinkReproducesWillItRun() throws {
        for combo in catalog.combos {
            let page = try ShippedSite.page("hardware-combos/\(combo.id)/index.html")
            let marker = try #require(page.range(of: "class=\"builder-link\""))
            let hrefStart = try #require(page.range(of: "href=\"", range: marker.upperBound..<page.endIndex))
            let hrefEnd = try #require(page.range(of: "\"", range: hrefStart.upperBound..<page.endIndex))
            let href = String(page[hrefStart.upperBound..<hrefEnd.lowerBound]).replacingOccurrences(of: "&amp;", with: "&")
            let query = try #require(href.split(separator: "?", maxSplits: 1).last.map(String.init))
            let builderRows = Self.rows(try Self.builder(query))
            let willItRun = Self.rows(try ShippedSite.page("will-it-run/combo/\(combo.id)/index.html"))
            #expect(!willItRun.isEmpty)
            for row in willItRun {
                let match = try #require(builderRows.first { $0.model == row.model && $0.quant == row.quant }, "\(combo.id): no \(row.model) \(row.quant)")
                #expect(match == row, "\(combo.id): \(row.model) \(row.quant)")
            }
        }
    }

    @Test("without JavaScript the builder shows its default configuration's results, the same the script computes")
    func noScriptDefaults() throws {
        let built = try ShippedSite.page("will-it-run/custom/index.html")
        let staticRows = Self.rows(built)
        #expect(staticRows.count == catalog.models.all.reduce(0) { $0 + $1.quants.count })
        #expect(built.contains("<noscript>"))
        let scripted = Self.rows(try Self.builder(BuilderQuery.defaults.text))
        #expect(Set(staticRows.map { "\($0.model) \($0.quant) \($0.verdict) \($0.decode)" })
                == Set(scripted.map { "\($0.model) \($0.quant) \($0.verdict) \($0.decode)" }))
    }
}

/// The walk-through the builder exists for, done by a script in a harness page that drives the
/// builder in a frame: from the quad Mac mini's link, drop to three nodes, add a Mac Studio,
/// switch the runtime, go back once; then the copied link must reproduce what was seen.
@Suite("Builder walk-through")
struct BuilderWalkthroughTests {
    static let harness = """
        <!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out"></pre>
        <iframe id="frame" src="../will-it-run/custom/index.html?QUERY" width="1200" height="800"></iframe>
        <script>
        var frame = document.getElementById("frame"), steps = [], out = {};
        function rows(doc) {
          return Array.prototype.map.call(doc.querySelectorAll("tr[data-verdict]"), function (r) {
            return r.getAttribute("data-model") + "|" + r.getAttribute("data-quant") + "|" + r.getAttribute("data-verdict") + "|" + r.getAttribute("data-decode-tps");
          });
        }
        function change(element) { element.dispatchEvent(new Event("change", { bubbles: true })); }
        frame.onload = function () {
          var win = frame.contentWindow, doc = frame.contentDocument;
          out.start = rows(doc);
          var count = doc.querySelector("#machine-rows li input.count");
          count.value = "3"; change(count);
          out.three = rows(doc); out.threeQuery = win.location.search;
          doc.getElementById("add-machine").click();
          var added = doc.querySelectorAll("#machine-rows li");
          var select = added[added.length - 1].querySelector("select");
          select.value = "mac-studio-m3-ultra-256gb"; change(select);
          out.studio = rows(doc); out.studioQuery = win.location.search;
          Array.prototype.forEach.call(doc.querySelectorAll("input[name=runtime]"), function (box) { box.checked = box.value === "llama-cpp"; });
          change(doc.querySelector("input[name=runtime]"));
          out.llama = rows(doc); out.llamaQuery = win.location.search;
          out.shareLink = doc.getElementById("share-link").getAttribute("href");
          win.history.back();
          setTimeout(function () {
            out.back = rows(doc); out.backQuery = win.location.search;
            out.backRuntimes = Array.prototype.filter.call(doc.querySelectorAll("input[name=runtime]"), function (b) { return b.checked; }).map(function (b) { return b.value; });
            document.getElementById("out").textContent = JSON.stringify(out);
          }, 500);
        };
        </script></body></html>
        """

    struct Walk: Decodable {
        let start: [String]
        let three: [String]
        let threeQuery: String
        let studio: [String]
        let studioQuery: String
        let llama: [String]
        let llamaQuery: String
        let shareLink: String
        let back: [String]
        let backQuery: String
        let backRuntimes: [String]
    }

    @Test("drop to three nodes, add a Mac Studio, switch the runtime, go back: every step changes the answers and the link reproduces them")
    func walkThrough() throws {
        let catalog = ShippedSite.catalog
        let combo = try #require(catalog[RecordID<Combo>("quad-mac-mini-m4-pro-exo")])
        let query = try #require(BuilderQuery(combo: combo, catalog: catalog)).text
        let harness = Self.harness.replacingOccurrences(of: "QUERY", with: query.replacingOccurrences(of: "&", with: "&amp;"))
        let walk = try ShippedSite.runHarness(harness, in: "zz-walk", as: Walk.self)

        #expect(walk.threeQuery.contains("machines=mac-mini-m4-pro-64gb:3:mini&"))
        #expect(walk.studioQuery.contains("machines=mac-mini-m4-pro-64gb:3:mini,mac-studio-m3-ultra-256gb:1&"))
        #expect(walk.llamaQuery.contains("runtime=llama-cpp&"))
        #expect(walk.shareLink == walk.llamaQuery)
        // Each step changes what fits or how fast.
        #expect(walk.start != walk.three)
        #expect(walk.three != walk.studio)
        #expect(walk.studio != walk.llama)
        // Back restores the previous step, controls and all.
        #expect(walk.backQuery == walk.studioQuery)
        #expect(walk.back == walk.studio)
        #expect(walk.backRuntimes == ["exo", "llama-cpp", "mlx-lm"].filter { walk.studioQuery.contains($0) }.sorted { a, b in
            catalog.runtimes.ids.firstIndex(of: a)! < catalog.runtimes.ids.firstIndex(of: b)! })
        // The copied link, opened afresh, shows exactly what was seen.
        let again = try BuilderBrowserTests.builder(String(walk.llamaQuery.dropFirst()))
        let rows = BuilderBrowserTests.rows(again).map { "\($0.model)|\($0.quant)|\($0.verdict)|\(Self.decodeText($0.decode))" }
        #expect(rows == walk.llama.map { Self.normalized($0) })
    }

    /// The rows' decode attribute as text ("12.5", "0"), for comparing with what the frame read.
    static func decodeText(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
    static func normalized(_ row: String) -> String {
        var parts = row.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        if let value = Double(parts[3]) { parts[3] = decodeText(value) }
        return parts.joined(separator: "|")
    }
}
