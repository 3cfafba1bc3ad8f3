import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Fit
@testable import Site

/// Finding the right combo fast: cards that say what each combo is, filters that work as plain
/// links and as toggles, entry points on the home page, and search over every record. Read from
/// the shipped site as built.
@Suite("Finding a combo")
struct FindingTests {
    let catalog = ShippedSite.catalog
    /// The engine's answers, worked out again here (not read from the pages).
    static let fits = SiteFits(ShippedSite.catalog)

    /// Each card on a page: its link, its `data-` attributes and its HTML.
    struct Card {
        let href: String
        let data: [String: String]
        let html: String
        /// Hidden by the filter script.
        let hidden: Bool
    }

    static func cards(_ html: String) -> [Card] {
        guard let start = html.range(of: "<ul class=\"cards\" id=\"cards\""),
              let close = html.range(of: ">", range: start.upperBound..<html.endIndex) else { return [] }
        let list = html[close.upperBound...]
        // The list closes at the start of a line; a card's tag list closes after its last tag.
        let end = list.range(of: "\n</ul>")?.lowerBound ?? list.endIndex
        return list[..<end].components(separatedBy: "<li class=\"card\"").dropFirst().map { chunk in
            let opening = String(chunk[..<chunk.firstIndex(of: ">")!])
            var data: [String: String] = [:]
            let pattern = try! NSRegularExpression(pattern: #"data-([a-z-]+)="([^"]*)""#)
            for match in pattern.matches(in: opening, range: NSRange(opening.startIndex..., in: opening)) {
                data[String(opening[Range(match.range(at: 1), in: opening)!])] = String(opening[Range(match.range(at: 2), in: opening)!])
            }
            let hrefStart = chunk.range(of: "<a href=\"")!
            let hrefEnd = chunk.range(of: "\"", range: hrefStart.upperBound..<chunk.endIndex)!
            return Card(href: String(chunk[hrefStart.upperBound..<hrefEnd.lowerBound]), data: data, html: chunk,
                        hidden: opening.range(of: #"\shidden(=|\s|$)"#, options: .regularExpression) != nil)
        }
    }

    /// The combo id a card links to.
    static func comboID(_ href: String) -> String {
        let parts = href.split(separator: "/")
        return String(parts[parts.count - 2])
    }

    /// Every `href` in a page, in order.
    static func links(_ html: String) -> [String] {
        html.components(separatedBy: "href=\"").dropFirst().map { String($0[..<$0.firstIndex(of: "\"")!]) }
    }

    /// A relative link from an output file, resolved to another output file.
    static func resolve(_ href: String, from file: String) -> String {
        var parts = file.split(separator: "/").map(String.init).dropLast()
        for piece in href.split(separator: "#")[0].split(separator: "?")[0].split(separator: "/") {
            if piece == ".." { parts = parts.dropLast() } else if piece != "." { parts.append(String(piece)) }
        }
        return parts.joined(separator: "/")
    }

    func runs(_ modelID: String, on combo: Combo) -> Bool {
        guard let model = catalog[RecordID<Model>(modelID)],
              let answer = Self.fits.reference(model, on: combo.id, context: SiteFits.context) else { return false }
        let result = answer.result
        return (result.verdict == .fits || result.verdict == .tight) && !(result.strategy?.offloadsToSystemRAM ?? false)
    }

    @Test("each combo card shows title, a one-line summary, tags, total and usable memory, power and cost from the records and the engine")
    func cards() throws {
        let cards = Self.cards(try ShippedSite.page("hardware-combos/index.html"))
        #expect(cards.count == catalog.combos.all.count)
        for combo in catalog.combos {
            let card = try #require(cards.first { Self.comboID($0.href) == combo.id.raw }, "no card for \(combo.id)")
            let totals = catalog.totals(of: combo)
            let platform = try #require(catalog[combo.platform.id])
            let usable = ComparisonTable.usableCell(combo, Self.fits)
            #expect(card.html.contains(">\(escapeHTML(combo.title))</a>"))
            // One sentence of the summary, not the paragraph.
            let summary = IndexItem.firstSentence(combo.summary)
            #expect(card.html.contains("<p>\(escapeHTML(summary))</p>"), "\(combo.id)")
            #expect(combo.summary.hasPrefix(summary) && summary.hasSuffix("."), "\(combo.id): \(summary)")
            for figure in [ComboPage.memoryValue(totals), "\(usable.text) usable", Format.watts(totals.powerW), ComboPage.cost(totals)] {
                #expect(card.html.contains(escapeHTML(figure)), "\(combo.id): \(figure)")
            }
            for tag in ComboPage.tags(combo, totals) + [platform.name] {
                #expect(card.html.contains("<li>\(escapeHTML(tag))</li>"), "\(combo.id): \(tag)")
            }
        }
        // A name written in lowercase after a full stop ("... NVIDIA. llama.cpp on ROCm ...")
        // starts the second sentence: the card stops before it, not at the end of the paragraph.
        let radeon = try #require(cards.first { Self.comboID($0.href) == "dual-radeon-rx-7900-xtx" })
        #expect(radeon.html.contains(" without NVIDIA.</p>"), "\(radeon.html)")
        // Cheapest first, so a budget reads top down.
        let prices = cards.compactMap { catalog.totals(of: catalog[RecordID<Combo>(Self.comboID($0.href))]!).priceUSD }
        #expect(prices == prices.sorted())
    }

    @Test("a card's summary ends at the first full stop after a word, followed by a word that opens a sentence")
    func firstSentence() {
        #expect(IndexItem.firstSentence("Fast. Cheap too.") == "Fast.")
        #expect(IndexItem.firstSentence("Runs 4.5 GB models, e.g. Llama. Quiet.") == "Runs 4.5 GB models, e.g. Llama.")
        #expect(IndexItem.firstSentence("Four cards vs. Two. Then more.") == "Four cards vs. Two.")
        #expect(IndexItem.firstSentence("Schnell. Über alles.") == "Schnell.", "a capital past ASCII counts")
        #expect(IndexItem.firstSentence("Vite. éclair.") == "Vite. éclair.", "a lowercase letter does not start a sentence")
        #expect(IndexItem.firstSentence("No. 5 ships. Done.") == "No. 5 ships.", "abbreviations and numbers do not end it")
        #expect(IndexItem.firstSentence("Ends here. ") == "Ends here. ")
        // Names written in lowercase still open a sentence; lowercase words do not.
        #expect(IndexItem.firstSentence("48 GB without NVIDIA. llama.cpp on ROCm runs it. Quiet.") == "48 GB without NVIDIA.")
        #expect(IndexItem.firstSentence("Two cards. vLLM serves them. Fine.") == "Two cards.")
        #expect(IndexItem.firstSentence("Fills quickly. 70B models do not fit.") == "Fills quickly.", "a figure with a unit")
        #expect(IndexItem.firstSentence("Ships on Jan. 5 to buyers. Done.") == "Ships on Jan. 5 to buyers.", "a bare number does not")
        #expect(IndexItem.firstSentence("Pick one. e.g. the larger. Done.") == "Pick one. e.g. the larger.", "an abbreviation does not")
        #expect(IndexItem.firstSentence("Runs e.g. llama.cpp well. Done.") == "Runs e.g. llama.cpp well.")
        #expect(IndexItem.firstSentence("") == "")
        #expect(IndexItem.firstSentence("Ein\u{2003}Dr. Who. Yes") == "Ein\u{2003}Dr. Who.", "a word starts after any whitespace")
        // The rule written plainly, scalar by scalar, holds on random texts.
        func reference(_ text: String) -> String {
            let abbreviations: Set<String> = ["e.g", "i.e", "vs", "approx", "etc", "Dr", "No"]
            let scalars = Array(text.unicodeScalars)
            func opens(at start: Int) -> Bool {
                var end = start
                while end < scalars.count, !scalars[end].properties.isWhitespace { end += 1 }
                let word = Array(scalars[start..<end])
                guard let first = word.first else { return false }
                if first.properties.isUppercase { return true }
                let figure = ("0"..."9").contains(first)
                if word.dropFirst().contains(where: { $0.properties.isUppercase || (figure && $0.properties.isAlphabetic) }) { return true }
                if figure || !zip(word, word.dropFirst()).contains(where: { $0 == "." && $1.properties.isAlphabetic }) { return false }
                var text = String(String.UnicodeScalarView(word))
                while let last = text.last, ".,;:".contains(last) { text.removeLast() }
                return !abbreviations.contains(text)
            }
            var index = 0
            while index < scalars.count - 2 {
                if scalars[index] == ".", scalars[index + 1] == " ", opens(at: index + 2) {
                    var start = index
                    while start > 0, !scalars[start - 1].properties.isWhitespace { start -= 1 }
                    var word = String.UnicodeScalarView()
                    word.append(contentsOf: scalars[start..<index])
                    if !abbreviations.contains(String(word)) {
                        var sentence = String.UnicodeScalarView()
                        sentence.append(contentsOf: scalars[...index])
                        return String(sentence)
                    }
                }
                index += 1
            }
            return text
        }
        let pieces = [".", " ", "A", "a", "É", "é", "e.g", "Dr", "4", "\u{2003}", "\u{301}", "No", "\n", ".", "l.c", "vL", "7B", ","]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let text = (0..<Int.random(in: 0...16, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(IndexItem.firstSentence(text) == reference(text), "\(text.debugDescription)")
        }
    }

    @Test("a card's data attributes are the facet values its records and the fit engine give, not typed")
    func cardData() throws {
        let cards = Self.cards(try ShippedSite.page("hardware-combos/index.html"))
        for card in cards {
            let combo = try #require(catalog[RecordID<Combo>(Self.comboID(card.href))])
            let totals = catalog.totals(of: combo)
            let budgets = ComboFacets.budgetsUSD.filter { budget in totals.priceUSD.map { $0 < Double(budget) } ?? false }.map { "under-\($0)" }
            #expect(card.data["budget"] == budgets.sorted().joined(separator: " "), "\(combo.id)")
            let models = ComboFacets.askedModels.filter { runs($0, on: combo) }
            #expect(card.data["runs"] == models.sorted().joined(separator: " "), "\(combo.id)")
            #expect(card.data["difficulty"] == combo.difficulty.rawValue)
            #expect(card.data["platform"] == combo.platform.id.raw)
            #expect(card.data["interconnect"] == (combo.link?.interconnect.rawValue ?? (totals.deviceCount > 1 ? "in-box" : "none")))
            let memory = ComboFacets.memoryStepsGB.filter { totals.acceleratorMemoryGB >= Double($0) }.map { "at-least-\($0)-gb" }
            #expect(card.data["memory"] == memory.sorted().joined(separator: " "), "\(combo.id)")
        }
        // A 24 GB card cannot hold a 4-bit 70B without spilling to system RAM; a 128 GB Mac can.
        #expect(cards.first { $0.href.contains("/rtx-3090-single/") }?.data["runs"]?.contains("llama-3.3-70b") == false)
        #expect(cards.first { $0.href.contains("/mac-studio-m4-max-128gb/") }?.data["runs"]?.contains("llama-3.3-70b") == true)
    }

    @Test("each filter value is a page listing only the combos that have it, cheapest first; budget with model too")
    func filterPages() throws {
        let facets = ComboFacets(catalog, fits: Self.fits)
        let selections = facets.pageSelections
        #expect(selections.contains { $0.path.raw == "/hardware-combos/budget/under-4000/" })
        #expect(selections.contains { $0.path.raw == "/hardware-combos/runs/llama-3.3-70b/" })
        #expect(selections.contains { $0.path.raw == "/hardware-combos/budget/under-4000/runs/llama-3.3-70b/" })
        for facet in ComboFacets.Facet.allCases {
            #expect(!facets.values(of: facet).isEmpty, "no value for \(facet)")
        }
        for selection in selections {
            let html = try ShippedSite.page(selection.path.outputFile)
            let listed = Self.cards(html).map { Self.comboID($0.href) }
            // Worked out here from the records and the engine, not from the facets.
            let expected = catalog.combos.all.filter { combo in
                let totals = catalog.totals(of: combo)
                return selection.values.allSatisfy { value in
                    switch value.facet {
                    case .budget: return totals.priceUSD.map { $0 < Double(value.slug.dropFirst("under-".count))! } ?? false
                    case .runs: return runs(value.slug, on: combo)
                    case .memory: return totals.acceleratorMemoryGB >= Double(value.slug.split(separator: "-")[2])!
                    case .difficulty: return combo.difficulty.rawValue == value.slug
                    case .platform: return combo.platform.id.raw == value.slug
                    case .interconnect: return (combo.link?.interconnect.rawValue ?? (totals.deviceCount > 1 ? "in-box" : "none")) == value.slug
                    }
                }
            }
            #expect(Set(listed) == Set(expected.map(\.id.raw)), "\(selection.path)")
            #expect(!listed.isEmpty, "\(selection.path) is empty")
            let prices = listed.map { catalog.totals(of: catalog[RecordID<Combo>($0)]!).priceUSD ?? .infinity }
            #expect(prices == prices.sorted(), "\(selection.path) is not cheapest first")
            #expect(html.contains("<h1>\(escapeHTML(selection.title))</h1>"))
        }
        // The index links every value to its page.
        let index = try ShippedSite.page("hardware-combos/index.html")
        for selection in selections where selection.values.count == 1 {
            let value = selection.values[0]
            #expect(index.contains("href=\"\(selection.path.href(from: Route.index(of: .combo)))\" data-facet=\"\(value.facet.rawValue)\" data-value=\"\(value.slug)\""))
        }
    }

    @Test("from the home page to a combo that runs a 70B model under $4,000 in three clicks, following plain links")
    func seventyBUnderFourThousand() throws {
        // The qualifying combos, from the records and the engine.
        let wanted = Set(catalog.combos.all.filter { combo in
            (catalog.totals(of: combo).priceUSD ?? .infinity) < 4_000 && runs("llama-3.3-70b", on: combo)
        }.map(\.id.raw))
        #expect(!wanted.isEmpty)

        // Click 1: the home page's budget entry. Click 2: narrow by the model. Click 3: a combo.
        let home = try ShippedSite.page("index.html")
        let budget = try #require(Self.links(home).first { $0.hasSuffix("hardware-combos/budget/under-4000/index.html") })
        let budgetFile = Self.resolve(budget, from: "index.html")
        let budgetPage = try ShippedSite.page(budgetFile)
        let narrow = try #require(Self.links(budgetPage).first { $0.hasSuffix("runs/llama-3.3-70b/index.html") })
        let narrowFile = Self.resolve(narrow, from: budgetFile)
        #expect(narrowFile == "hardware-combos/budget/under-4000/runs/llama-3.3-70b/index.html")
        let listed = Self.cards(try ShippedSite.page(narrowFile)).map { Self.comboID($0.href) }
        #expect(Set(listed) == wanted)
        for card in Self.cards(try ShippedSite.page(narrowFile)) {
            let file = Self.resolve(card.href, from: narrowFile)
            #expect(FileManager.default.fileExists(atPath: ShippedSite.output + "/" + file), "\(file)")
            #expect(file.hasPrefix("hardware-combos/") && wanted.contains(Self.comboID(card.href)))
        }

        // The other way round: the model first, then the budget.
        let model = try #require(Self.links(home).first { $0.hasSuffix("hardware-combos/runs/llama-3.3-70b/index.html") })
        let modelFile = Self.resolve(model, from: "index.html")
        let byBudget = try #require(Self.links(try ShippedSite.page(modelFile)).first { $0.hasSuffix("budget/under-4000/runs/llama-3.3-70b/index.html") })
        #expect(Self.resolve(byBudget, from: modelFile) == narrowFile)
    }

    @Test("the home page offers ways in by budget, by model and by hardware owned")
    func homeEntryPoints() throws {
        let home = try ShippedSite.page("index.html")
        let facets = ComboFacets(catalog, fits: Self.fits)
        let links = Set(Self.links(home).map { Self.resolve($0, from: "index.html") })
        for value in facets.values(of: .budget) + facets.values(of: .runs) {
            #expect(links.contains(value.path.outputFile), "\(value.path)")
        }
        #expect(links.contains("hardware/index.html"))
        #expect(links.contains("will-it-run/custom/index.html"))
        for id in ["by-budget", "by-model", "by-hardware"] { #expect(home.contains("id=\"\(id)\"")) }
    }

    @Test("a combo id that is a facet's name fails the build with the file that has it")
    func facetCollision() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.write("content/combos/budget.md", site.read("content/combos/gpu-box.md"))
        let options = SiteBuilder.Options(
            content: site.content, templates: FixtureSite.packageRoot + "/templates", output: site.path("public"), baseURL: "https://combos.example/")
        do {
            _ = try SiteBuilder.build(options)
            Issue.record("the build should have failed")
        } catch {
            let headlines = site.headlines(error.diagnostics)
            #expect(headlines.contains { $0.hasPrefix("content/combos/budget.md:1:1: error: the combo id \"budget\" is taken by the combo filter pages") }, "\(headlines)")
        }
        #expect(!FileManager.default.fileExists(atPath: site.path("public/index.html")))
    }

    /// The search index as the browser reads it.
    static func searchIndex() throws -> [SearchIndex.Entry] {
        struct Decoded: Decodable { let kind, title, summary, specs, url: String }
        let script = try ShippedSite.page("search/search-index.js")
        let start = try #require(script.range(of: "window.\(SearchIndex.globalName) = "))
        let json = script[start.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines).dropLast()
        return try JSONDecoder().decode([Decoded].self, from: Data(json.utf8)).map {
            SearchIndex.Entry(kind: $0.kind, title: $0.title, summary: $0.summary, specs: $0.specs, url: $0.url)
        }
    }

    @Test("the search index has every record with its summary and a link to a page that exists")
    func searchIndexCoversEveryRecord() throws {
        let entries = try Self.searchIndex()
        #expect(entries.count == RecordKind.allCases.reduce(0) { $0 + catalog.count(of: $1) })
        for combo in catalog.combos {
            let entry = try #require(entries.first { $0.url == "../hardware-combos/\(combo.id)/index.html" }, "\(combo.id)")
            #expect(entry.title == combo.title && entry.summary == combo.summary && entry.kind == "Combo")
            #expect(entry.specs.contains(ComboPage.memoryValue(catalog.totals(of: combo))))
        }
        for device in catalog.devices { #expect(entries.contains { $0.url == "../hardware/\(device.id)/index.html" && $0.title == device.name }) }
        for model in catalog.models { #expect(entries.contains { $0.url == "../models/\(model.id)/index.html" && $0.title == model.name }) }
        for entry in entries {
            let file = Self.resolve(entry.url, from: "search/index.html")
            #expect(FileManager.default.fileExists(atPath: ShippedSite.output + "/" + file), "\(entry.title): \(entry.url)")
        }
    }

    @Test("every page's header has a search form that goes to the search page")
    func headerSearch() throws {
        for file in ["index.html", "hardware-combos/index.html", "hardware-combos/budget/under-4000/runs/llama-3.3-70b/index.html", "models/llama-3.3-70b/index.html"] {
            let html = try ShippedSite.page(file)
            let start = try #require(html.range(of: "<form class=\"site-search\" role=\"search\" action=\""))
            let action = String(html[start.upperBound...].prefix { $0 != "\"" })
            #expect(Self.resolve(action, from: file) == "search/index.html", "\(file)")
            #expect(html.contains("name=\"q\""))
        }
        let search = try ShippedSite.page("search/index.html")
        #expect(search.contains("<script src=\"../search/search-index.js\"></script>"))
        #expect(search.contains("<noscript>"))
    }
}
