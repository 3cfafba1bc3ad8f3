import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site
@testable import Fit

/// The pages that show the fit engine's answers, read from the shipped site: every number on them
/// must be the engine's for the configuration the page names.
@Suite("Fit pages")
struct FitPagesTests {
    let catalog = ShippedSite.catalog

    /// What a line or a cell shows of an answer, to compare two answers by.
    func shown(_ answer: SiteFits.Answer?) -> String {
        guard let answer else { return "none" }
        let speed = answer.result.decode.map { String($0.tokensPerSecond) } ?? "-"
        return "\(answer.model.raw) \(answer.quant.name) \(answer.runtime.raw) \(answer.result.verdict) \(speed)"
    }

    @Test("answers worked out when a page first asks are the ones worked out all at once, and only those asked are")
    func lazyFits() throws {
        let eager = SiteFits(catalog)
        let lazy = SiteFits(catalog, lazily: true)
        #expect(eager.combos.workedOutCount == eager.combos.configurationCount)
        #expect(lazy.combos.workedOutCount == 0)
        #expect(lazy.combos.configurationCount == eager.combos.configurationCount && lazy.combos.configurationCount > 1)
        // The filters' 4-bit answers, asked of every combo, come without working out whole
        // configurations.
        for combo in catalog.combos {
            for model in catalog.models {
                let asked = lazy.reference(model, on: combo.id, context: SiteFits.context)
                #expect(shown(asked) == shown(eager.reference(model, on: combo.id, context: SiteFits.context)), "\(combo.id) \(model.id)")
            }
            let configuration = try #require(lazy.configuration(of: combo.id))
            #expect(configuration.runtimes.map(\.id) == eager.combos[combo.id]?.runtimes.map(\.id))
        }
        #expect(lazy.combos.workedOutCount == 0)
        // One combo's answers work out its configuration alone.
        let first = try #require(catalog.combos.all.first)
        _ = lazy.combos[first.id]
        #expect(lazy.combos.workedOutCount == 1)
        for combo in catalog.combos {
            let (mine, theirs) = (try #require(lazy.combos[combo.id]), try #require(eager.combos[combo.id]))
            #expect(mine.answers.map(shown) == theirs.answers.map(shown), "\(combo.id)")
            #expect(mine.fourBit.map(shown) == theirs.fourBit.map(shown), "\(combo.id)")
            #expect(mine.curveStarts.map { shown($0?.answer) } == theirs.curveStarts.map { shown($0?.answer) }, "\(combo.id)")
        }
        #expect(lazy.combos.workedOutCount == lazy.combos.configurationCount)

        // Devices alone likewise: none until a page asks, then the asked one, then the same
        // answers as worked out all at once.
        #expect(eager.devices.workedOutCount == catalog.devices.all.count)
        #expect(lazy.devices.workedOutCount == 0)
        let device = try #require(catalog.devices.all.first { eager.devices[$0.id] != nil })
        #expect(lazy.devices[device.id]?.platform.id == eager.devices[device.id]?.platform.id)
        #expect(lazy.devices.workedOutCount == 1)
        lazy.devices.workOutAll()
        #expect(lazy.devices.workedOutCount == catalog.devices.all.count)
        for device in catalog.devices {
            let (mine, theirs) = (lazy.devices[device.id], eager.devices[device.id])
            #expect((mine == nil) == (theirs == nil), "\(device.id)")
            #expect(mine?.fourBit.mapValues(shown) == theirs?.fourBit.mapValues(shown), "\(device.id)")
            #expect(mine?.mostFaithful == theirs?.mostFaithful, "\(device.id)")
        }
    }

    @Test("the model pages' standings read back as written, and from the file alone: only for the same fingerprint and models, whole")
    func storedStandings() throws {
        let eager = SiteFits(catalog)
        let table = eager.standingsTable
        #expect(table.readBack == 0)
        let entries = table.entries
        #expect(entries.count == eager.combos.configurationCount)
        // Some models run on some configurations and are too big for others, with curves.
        let all = entries.compactMap(\.standings).flatMap { $0 }
        #expect(all.contains { $0.runs == true && $0.speed > 0 && $0.curveFirst != nil })
        #expect(all.contains { $0.runs == false })
        let models = eager.modelIDs
        let data = StoredStandings.encode(entries, models: models, fingerprint: 42)
        let decoded = try #require(StoredStandings.decode(data, models: models, fingerprint: 42))
        #expect(decoded.count == entries.count)
        for (key, standings) in entries {
            #expect(decoded[key] == .some(standings), "\(key)")
        }

        // A lazy build given them ranks by them without working any configuration out.
        let lazy = SiteFits(catalog, lazily: true, stored: { asked in
            asked == models ? StoredStandings.decode(data, models: asked, fingerprint: 42) : nil
        })
        let readBack = lazy.standingsTable
        #expect(readBack.readBack == entries.count)
        #expect(lazy.combos.workedOutCount == 0)
        #expect(readBack.standings == table.standings && readBack.places == table.places)

        // Another binary or other records, other models, or a damaged file: none of it.
        #expect(StoredStandings.decode(data, models: models, fingerprint: 43) == nil)
        #expect(StoredStandings.decode(data, models: Array(models.dropLast()), fingerprint: 42) == nil)
        #expect(StoredStandings.decode(data.dropLast(), models: models, fingerprint: 42) == nil)
        let text = String(decoding: data, as: UTF8.self)
        let damaged = [
            text.replacingOccurrences(of: "/", with: "|"),
            text.replacingOccurrences(of: "\t", with: " "),
            text + text.split(separator: "\n").dropFirst(2).first.map { $0 + "\n" }!,
            text.replacingOccurrences(of: " x/", with: " y/"),
        ]
        for variant in damaged {
            #expect(variant != text)
            #expect(StoredStandings.decode(Data(variant.utf8), models: models, fingerprint: 42) == nil)
        }
        // With none read back (the file missing or refused), the lazy build works them out.
        let fresh = SiteFits(catalog, lazily: true, stored: { _ in nil })
        #expect(fresh.standingsTable.standings == table.standings)
        #expect(fresh.standingsTable.readBack == 0 && fresh.combos.workedOutCount == fresh.combos.configurationCount)
    }

    /// Each `<tr id=…>` row and `<li id=…>` quant line of a will-it-run page with its data attributes.
    struct Row {
        let anchor: String
        let model: String
        let quant: String
        let verdict: String
        let decode: Double
        let html: String
        /// A full row (chart, ledger, fixes), not a one-line quant.
        var isFull: Bool { html.hasPrefix(anchor + "\" data-") && html.contains("ledger-chart") }
    }

    func rows(_ html: String) -> [Row] {
        // A model's headline quant is a table row; its other quants are list items under it.
        html.replacingOccurrences(of: "<li id=\"", with: "<tr id=\"").components(separatedBy: "<tr id=\"").dropFirst().compactMap { chunk in
            // The row and the detail row under it.
            let row = chunk
            func attribute(_ name: String) -> String? {
                guard let start = row.range(of: "\(name)=\"") else { return nil }
                let rest = row[start.upperBound...]
                return rest.range(of: "\"").map { String(rest[..<$0.lowerBound]) }
            }
            guard let model = attribute("data-model"), let quant = attribute("data-quant"), let verdict = attribute("data-verdict"),
                  let decode = attribute("data-decode-tps").flatMap(Double.init) else { return nil }
            return Row(anchor: String(row.prefix { $0 != "\"" }), model: model, quant: quant.replacingOccurrences(of: "&amp;", with: "&"),
                       verdict: verdict, decode: decode, html: row)
        }
    }

    @Test("a will-it-run page lists every catalog model and quant its runtimes load, each model once in the tier of its best quant, with the engine's verdict and speed")
    func willItRunRows() throws {
        let combo = try #require(catalog[RecordID<Combo>("quad-mac-mini-m4-pro-exo")])
        let html = try ShippedSite.page("will-it-run/combo/\(combo.id)/index.html")
        let hardware = try #require(Hardware(combo: combo, catalog: catalog))
        let runtimes = SiteFits.runtimes(of: combo, catalog)
        #expect(runtimes.map(\.id.raw) == ["exo", "mlx-lm", "llama-cpp"])
        let found = rows(html)
        var expectedCount = 0
        var bestResults: [String: FitResult] = [:]
        for model in catalog.models {
            for quant in model.quants where runtimes.contains(where: { $0.formats.contains(quant.format) }) {
                expectedCount += 1
                let row = try #require(found.first { $0.model == model.id.raw && $0.quant == quant.name }, "no row for \(model.id) \(quant.name)")
                // The best of the runtimes that load the quant, as the engine answers for each.
                var best: FitResult?
                for runtime in runtimes where runtime.formats.contains(quant.format) {
                    let result = FitEngine.evaluate(FitRequest(model: model, quant: quant, runtime: runtime, contextTokens: 8192), on: hardware)
                    if best.map({ FitChoices.isBetter(result, than: $0) }) ?? true { best = result }
                }
                let result = try #require(best)
                bestResults["\(model.id.raw) \(quant.name)"] = result
                #expect(row.verdict == result.verdict.rawValue, "\(model.id) \(quant.name)")
                // Rows that do not fit show no speed.
                let runs = result.verdict == .fits || result.verdict == .tight
                #expect(abs(row.decode - (runs ? result.decode?.tokensPerSecond ?? 0 : 0)) < 0.01, "\(model.id) \(quant.name)")
                // A full row draws one bar per device, devices holding the same share drawn once.
                if row.isFull {
                    let bars = row.html.components(separatedBy: "<rect class=\"usable\"").count - 1
                    #expect(bars == LedgerGroup.groups(result.ledger).count)
                }
            }
        }
        #expect(found.count == expectedCount)
        // Each model has one full row: its most faithful quant that fits comfortably in
        // accelerator memory, else the most faithful borderline one there, then the same with
        // offload to system RAM, else its smallest; the tier is that quant's verdict.
        let full = found.filter(\.isFull)
        #expect(Set(full.map(\.model)).count == full.count)
        for model in catalog.models {
            let mine = found.filter { $0.model == model.id.raw && $0.verdict != "unsupported" }
            guard !mine.isEmpty else { continue }
            let headline = try #require(full.first { $0.model == model.id.raw }, "\(model.id) has no full row")
            let ordered = model.quants.filter { quant in mine.contains { $0.quant == quant.name } }
                .sorted { SiteFits.bits($0, model) > SiteFits.bits($1, model) }
            let verdicts = Dictionary(uniqueKeysWithValues: mine.map { ($0.quant, $0.verdict) })
            func onDevices(_ quant: Quant) -> Bool {
                !(bestResults["\(model.id.raw) \(quant.name)"]?.strategy?.offloadsToSystemRAM ?? false)
            }
            let expected = ordered.first { verdicts[$0.name] == "fits" && onDevices($0) }
                ?? ordered.first { verdicts[$0.name] == "tight" && onDevices($0) }
                ?? ordered.first { verdicts[$0.name] == "fits" } ?? ordered.first { verdicts[$0.name] == "tight" } ?? ordered.last
            #expect(headline.quant == expected?.name, "\(model.id)")
        }
        let tiers = ["fits": "fits", "borderline": "tight", "wont-fit": "no-fit"]
        for (id, verdict) in tiers {
            let section = try #require(ShippedSite.section(id, in: html))
            let inTier = rows(section).filter(\.isFull)
            #expect(id == "borderline" || !inTier.isEmpty, "tier \(id) is empty on this combo")
            #expect(inTier.allSatisfy { $0.verdict == verdict })
        }
        #expect(html.contains("Usable memory: 4 × "))
    }

    @Test("a row that does not fit explains why and offers fixes that were evaluated again")
    func wontFitRowsExplain() throws {
        let html = try ShippedSite.page("will-it-run/combo/quad-rtx-3090/index.html")
        let section = try #require(ShippedSite.section("wont-fit", in: html))
        let short = rows(section).filter(\.isFull)
        #expect(!short.isEmpty)
        for row in short {
            #expect(row.html.contains(" short: "), "\(row.anchor) does not say which device is short")
            #expect(row.html.contains("class=\"over\""), "\(row.anchor) does not draw the overflow")
            #expect(row.decode == 0)
        }
        // Some rows that are short or borderline can be helped (a shorter context, another
        // runtime, offloading): every fix offered was evaluated again and fits.
        var helped: [Row] = []
        for combo in catalog.combos {
            let page = try ShippedSite.page("will-it-run/combo/\(combo.id)/index.html")
            helped += rows(page).filter { $0.isFull && $0.verdict != "fits" && $0.html.contains("What would help:") }
        }
        #expect(!helped.isEmpty)
        for row in helped {
            let fixes = row.html.components(separatedBy: "What would help:")[1].components(separatedBy: "</ul>")[0]
            #expect(fixes.contains(": fits comfortably") || fixes.contains(": borderline"), "\(row.anchor)")
        }
        // Every estimate column links to the methodology.
        #expect(html.contains("<a class=\"estimate\" href=\"../../../methodology/index.html\">est.</a>"))
    }

    @Test("the methodology page lists every constant the engine uses, with its value, unit and source")
    func methodology() throws {
        let html = try ShippedSite.page("methodology/index.html")
        for constant in FitConstants.all {
            #expect(html.contains("<code>\(escapeHTML(constant.symbol))</code>"), "\(constant.symbol) is missing")
            #expect(html.contains("<td>\(Format.number(constant.value, decimals: 4)) <span class=\"muted\">\(escapeHTML(constant.unit))</span></td>"))
            #expect(html.contains(escapeHTML(constant.source)))
        }
        #expect(html.contains("keeps at least \(Format.percent(FitConstants.comfortableHeadroom.value)) of its usable memory free"))
        for runtime in catalog.runtimes { #expect(html.contains(escapeHTML(runtime.name))) }
    }

    @Test("the benchmarks page puts each measurement beside the engine's estimate for the same configuration")
    func benchmarks() throws {
        let html = try ShippedSite.page("benchmarks/index.html")
        #expect(!catalog.benchmarks.all.isEmpty)
        for benchmark in catalog.benchmarks {
            let comparison = try #require(catalog.comparison(for: benchmark))
            let measured = try #require(benchmark.decodeTPS)
            let estimate = try #require(comparison.estimatedDecode)
            #expect(html.contains("<td>\(Format.tokensPerSecond(measured))</td><td>\(Format.tokensPerSecond(estimate))</td><td>\(BenchmarksPage.signedPercent((estimate - measured) / measured))</td>"),
                    "\(benchmark.id) is not beside its estimate")
        }
    }

    @Test("a device page lists what runs on one of it, with the engine's speed at 4-bit")
    func devicePage() throws {
        let device = try #require(catalog[RecordID<Device>("rtx-3090")])
        let html = try ShippedSite.page("hardware/rtx-3090/index.html")
        let section = try #require(ShippedSite.section("what-runs", in: html))
        let linux = try #require(catalog.platforms.first { $0.family == .linux })
        let hardware = Hardware(devices: [(device, 1)], platform: linux, hostRAMGB: nil)
        let model = try #require(catalog[RecordID<Model>("qwen3-8b")])
        let quant = try #require(model.quant(named: "Q4_K_M"))
        let llama = try #require(catalog[RecordID<Runtime>("llama-cpp")])
        let result = FitEngine.evaluate(FitRequest(model: model, quant: quant, runtime: llama, contextTokens: 8192), on: hardware)
        #expect(result.verdict == .fits)
        #expect(section.contains("href=\"../../models/qwen3-8b/index.html\">Qwen3 8B</a>"))
        // A 235B model cannot be held by one 24 GB card at any quant.
        #expect(section.contains("Too big for one at every quantization"))
        #expect(section.contains("../../models/deepseek-v3/index.html"))
    }

    @Test("a model page puts each combo in its table or its too-big list by the combo's own answers")
    func modelPageSortsCombos() throws {
        let fits = SiteFits(catalog)
        // Models that some combos hold and some do not, and one every combo holds.
        for id in ["deepseek-v3", "qwen3-235b-a22b", "llama-3.3-70b"] {
            let model = try #require(catalog[RecordID<Model>(id)])
            let html = try ShippedSite.page("models/\(id)/index.html")
            let section = try #require(ShippedSite.section("where-it-runs", in: html))
            let tableEnd = section.range(of: "</table>")?.upperBound ?? section.startIndex
            let table = section[..<tableEnd]
            let tooBig = section.range(of: "Too big at every quantization for:").map { section[$0.upperBound...] } ?? ""
            var counts = (runs: 0, tooBig: 0)
            for combo in catalog.combos {
                guard let fit = fits.combos[combo.id], let fourBit = fits.reference(model, on: combo.id, context: SiteFits.context) else { continue }
                let faithful = RunsOnView.mostFaithful(fits.answers(of: model.id, in: fit))
                let runs = faithful != nil || fourBit.result.verdict == .fits || fourBit.result.verdict == .tight
                let link = "href=\"../../hardware-combos/\(combo.id)/index.html\">\(escapeHTML(combo.title))</a>"
                #expect(table.contains(link) == runs, "\(id) on \(combo.id): runs \(runs)")
                #expect(tooBig.contains(link) == !runs, "\(id) on \(combo.id): too big \(!runs)")
                if runs { counts.runs += 1 } else { counts.tooBig += 1 }
            }
            if id != "llama-3.3-70b" {
                #expect(counts.runs > 0 && counts.tooBig > 0, "\(id): \(counts)")
            }
        }
    }

    @Test("a model page lists the combos it runs on and charts decode speed against context")
    func modelPage() throws {
        let html = try ShippedSite.page("models/llama-3.3-70b/index.html")
        let section = try #require(ShippedSite.section("where-it-runs", in: html))
        for combo in catalog.combos {
            #expect(section.contains("href=\"../../hardware-combos/\(combo.id)/index.html\">\(escapeHTML(combo.title))</a>"))
        }
        let svg = try #require(section.range(of: "<svg class=\"context-chart\""))
        #expect(section[svg.lowerBound...].contains("tokens/s at 2k"))
        // The chart draws the fastest four combos, each named in the legend by its title.
        let legend = try #require(section.range(of: "class=\"chart-legend\""))
        let list = section[legend.lowerBound...]
        let end = try #require(list.range(of: "</ul>"))
        let items = list[..<end.lowerBound].components(separatedBy: "<li>").dropFirst()
        #expect(items.count == 4)
        for item in items {
            #expect(catalog.combos.contains { item.contains(escapeHTML($0.title)) }, "\(item)")
        }
    }
}

/// The two SVG charts, drawn from numbers given here.
@Suite("Fit charts")
struct FitChartTests {
    static let gib = 1_073_741_824.0

    func ledger(_ label: String, usable: Double, weights: Double, kv: Double) -> DeviceLedger {
        DeviceLedger(
            label: label, deviceName: "Card", isHostRAM: false, limitBytes: (usable + 1) * Self.gib,
            rule: .discrete(platform: "Linux", memoryGiB: usable + 1, displayReserveGiB: 0, displayElsewhere: false),
            marginBytes: Self.gib, overheadBytes: 0, weightBytes: weights * Self.gib, kvBytes: kv * Self.gib, bufferBytes: 0,
            firstLayer: 0, layers: 10, note: nil)
    }

    @Test("a ledger bar is scaled to the largest device, and a short device shows its overflow")
    func ledgerBars() {
        let svg = LedgerChart.svg([
            ledger("GPU 1", usable: 20, weights: 10, kv: 5),
            ledger("<GPU 2>", usable: 20, weights: 20, kv: 10),
        ]).html
        // GPU 2 needs 30 GiB: the widest; the bars are 320 − 4 = 316 px long at 30 GiB. Each
        // label stands on its own line above its bar (rows 35 px apart).
        #expect(svg.contains(#"<text class="label" x="0" y="12">GPU 1</text><rect class="usable" x="0" y="16" width="210.7" height="14"/>"#))
        #expect(svg.contains(#"<rect class="weights" x="0" y="16" width="105.3" height="14"/>"#))
        #expect(svg.contains(#"<rect class="kv" x="105.3" y="16" width="52.7" height="14"/>"#))
        #expect(svg.contains(#"<text class="label" x="0" y="47">&lt;GPU 2&gt;</text>"#))
        #expect(svg.contains(#"<rect class="over" x="210.7" y="51" width="105.3" height="14"/>"#))
        #expect(svg.contains(#"viewBox="0 0 320 66""#))
        #expect(!svg.contains("<GPU 2>"))
        #expect(svg.contains("aria-label=\"Memory per device: GPU 1: 15 GiB of 20 GiB; &lt;GPU 2&gt;: 30 GiB of 20 GiB\""))
    }

    @Test("a ledger label longer than the chart is cut with an ellipsis; the whole label stays in the chart's description")
    func ledgerLabels() {
        let long = "RTX PRO 6000 Blackwell Workstation Edition"
        #expect(LedgerChart.fitted(long) == long)
        #expect(LedgerChart.fitted("GPU 1–8") == "GPU 1–8")
        let longer = "cluster-node-with-a-long-name 1 GPU 1 – cluster-node-with-a-long-name 7 GPU 8"
        let cut = LedgerChart.fitted(longer)
        #expect(cut.hasSuffix("…") && longer.hasPrefix(String(cut.dropLast())))
        #expect(LedgerChart.LabelWidth.estimate(cut) <= LedgerChart.barWidth)
        #expect(LedgerChart.LabelWidth.estimate(longer) > LedgerChart.barWidth)
        let svg = LedgerChart.svg([ledger(longer, usable: 20, weights: 10, kv: 2)]).html
        #expect(svg.contains(">" + cut + "</text>"))
        #expect(svg.contains("aria-label=\"Memory per device: " + longer + ": 12 GiB of 20 GiB\""))
    }

    @Test("devices holding the same share are drawn and tabled once, as GPU 1–4 each; a pipeline split shows every device")
    func ledgerGroups() {
        let same = (1...4).map { ledger("GPU \($0)", usable: 20, weights: 10, kv: 2) }
        let groups = LedgerGroup.groups(same)
        #expect(groups.map(\.label) == ["GPU 1–4"])
        #expect(groups.first?.tableLabel == "GPU 1–4 (each)")
        let svg = LedgerChart.svg(same).html
        #expect(svg.components(separatedBy: "<rect class=\"usable\"").count - 1 == 1)
        #expect(svg.contains("GPU 1–4: 12 GiB of 20 GiB each"))
        let mixed = [ledger("GPU 1", usable: 20, weights: 10, kv: 2), ledger("GPU 2", usable: 20, weights: 12, kv: 2),
                     ledger("GPU 3", usable: 20, weights: 12, kv: 2)]
        #expect(LedgerGroup.groups(mixed).map(\.label) == ["GPU 1", "GPU 2–3"])
        #expect(LedgerGroup.range("spark", "mini") == "spark – mini")
        // Equal pipeline stages join too, and say which layers the group holds.
        func stage(_ index: Int) -> DeviceLedger {
            DeviceLedger(
                label: "GPU \(index + 1)", deviceName: "Test GPU", isHostRAM: false, limitBytes: 21 * Self.gib,
                rule: .discrete(platform: "Linux", memoryGiB: 21, displayReserveGiB: 0, displayElsewhere: false),
                marginBytes: Self.gib, overheadBytes: 0, weightBytes: 8 * Self.gib, kvBytes: Self.gib, bufferBytes: 0,
                firstLayer: index * 10, layers: 10, note: nil)
        }
        let pipeline = LedgerGroup.groups((0..<4).map(stage))
        #expect(pipeline.map(\.label) == ["GPU 1–4"])
        #expect(pipeline.first?.layers == "0–39 (10 each)")
    }

    @Test("a context chart line stops where the model stops fitting")
    func contextLineStops() {
        let svg = ContextChart.svg([
            .init(label: "A", points: [(2048, 50), (4096, 40), (8192, nil), (16384, 30)]),
            .init(label: "B", points: [(2048, 20), (4096, 19), (8192, 18), (16384, 17)]),
        ]).html
        #expect(svg.contains("A: 40 tokens/s at 4k"))
        #expect(!svg.contains("A: 30 tokens/s"))
        #expect(svg.contains("B: 17 tokens/s at 16k"))
        // Four context ticks, doubling.
        for tick in ["2k", "4k", "8k", "16k"] { #expect(svg.contains(">\(tick)</text>")) }
    }
}
