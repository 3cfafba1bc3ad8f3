import Catalog
import FixtureSupport
import Fit
import Foundation
import Testing
@testable import Site

/// The first real page, end to end: the shipped catalog built with the shipped templates, and
/// `/hardware-combos/quad-mac-mini-m4-pro-exo/` read as a visitor's browser receives it.
@Suite("The quad Mac mini exo combo page")
struct ComboPageTests {
    let catalog: Catalog
    let combo: Combo
    let html: String
    let output: String

    init() throws {
        output = ShippedSite.output
        catalog = ShippedSite.catalog
        combo = try #require(catalog[RecordID<Combo>("quad-mac-mini-m4-pro-exo")])
        html = try ShippedSite.page("hardware-combos/quad-mac-mini-m4-pro-exo/index.html")
    }

    /// The HTML of one section, from its opening tag to the next section.
    func section(_ id: String) throws -> String {
        let start = try #require(html.range(of: "<section id=\"\(id)\""))
        let rest = html[start.upperBound...]
        let end = rest.range(of: "<section id=")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    /// Text as the page prints it.
    func escaped(_ text: String) -> String { escapeHTML(text) }

    @Test("the shipped catalog checks clean")
    func shippedCatalogIsClean() {
        let result = CatalogLoader.load(from: FixtureSite.packageRoot + "/content")
        #expect(result.diagnostics.map(\.description) == [])
    }

    @Test("every section is present, in the order of the reference page")
    func sectionsInOrder() throws {
        let ids = ["topology", "recommended-runtimes", "split-strategies", "why-this-combo", "runtime-compatibility",
                   "comparison", "setup-notes", "best-model-classes", "bad-at", "who-should-avoid-it", "operations",
                   "failure-modes", "related", "benchmark-opportunities"]
        #expect(ComboPage.sections.map(\.id) == ids)
        var previous = try #require(html.range(of: "<h1>")).lowerBound
        for id in ids {
            let position = try #require(html.range(of: "<section id=\"\(id)\""), "section \(id) is missing").lowerBound
            #expect(position > previous, "section \(id) is out of order")
            previous = position
        }
    }

    @Test("the title and summary state the total memory")
    func header() throws {
        #expect(html.contains("<h1>\(escaped(combo.title))</h1>"))
        #expect(html.contains(escaped(combo.summary)))
        #expect(html.contains("4 × 64 GB = 256 GB of unified memory across 4 machines."))
        #expect(html.contains("<title>\(escaped(combo.title)) · "))
    }

    @Test("the topology SVG names all four nodes, labels every link, and has a title and description")
    func topology() throws {
        let topology = try section("topology")
        let svgStart = try #require(topology.range(of: "<svg"))
        let svgEnd = try #require(topology.range(of: "</svg>"))
        let svg = String(topology[svgStart.lowerBound..<svgEnd.upperBound])
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-labelledby=\"topology-title topology-desc\""))
        #expect(svg.contains("<title id=\"topology-title\">"))
        #expect(svg.contains("<desc id=\"topology-desc\">"))
        for node in 1...4 {
            #expect(svg.contains(">mini \(node)</text>"), "node mini \(node) is not drawn")
        }
        #expect(svg.components(separatedBy: "<line class=\"topo-link\"").count - 1 == 6, "a full mesh of four has six links")
        #expect(svg.components(separatedBy: ">TB5 RDMA</tspan>").count - 1 == 6, "every link says what it is")
        #expect(svg.components(separatedBy: ">80 Gb/s</tspan>").count - 1 == 6, "every link says how fast it is")
        #expect(svg.contains("Apple M4 Pro"))
        #expect(svg.contains("64 GB · 273 GB/s"))
        #expect(topology.contains(">Mac mini"), "the component list links the machine")
    }

    @Test("runtimes, strategies and compatibility come from the record, each linking to its page")
    func runtimes() throws {
        let recommended = try section("recommended-runtimes")
        for reference in combo.recommendedRuntimes {
            let runtime = try #require(catalog[reference.id])
            #expect(recommended.contains("href=\"../../tools/\(runtime.id)/index.html\">\(escaped(runtime.name))</a>"))
        }
        let strategies = try section("split-strategies")
        for entry in combo.splitStrategies {
            #expect(strategies.contains("<dt>\(escaped(entry.strategy.label))</dt>"))
            #expect(strategies.contains(escaped(entry.strategy.definition)))
        }
        let compatibility = try section("runtime-compatibility")
        #expect(combo.runtimeCompatibility.count >= 5)
        for verdict in combo.runtimeCompatibility {
            let runtime = try #require(catalog[verdict.runtime.id])
            #expect(compatibility.contains("../../tools/\(runtime.id)/index.html"))
        }
        #expect(compatibility.contains("class=\"supported\""))
        #expect(compatibility.contains("class=\"unsupported\""))
    }

    @Test("the comparison table has a row per alternative with figures summed from records")
    func comparison() throws {
        let table = try section("comparison")
        #expect(combo.alternatives.map(\.id.raw).starts(with: ["mac-studio-m3-ultra-256gb", "quad-rtx-3090"]))
        for reference in combo.alternatives {
            let alternative = try #require(catalog[reference.id])
            #expect(table.contains("href=\"../../hardware-combos/\(alternative.id)/index.html\">\(escaped(alternative.title))</a>"))
            let totals = catalog.totals(of: alternative)
            #expect(table.contains("<td>\(Format.watts(totals.powerW))</td>"))
        }
        let own = catalog.totals(of: combo)
        #expect(table.contains("<td>\(Format.gigabytes(own.acceleratorMemoryGB)) unified</td>"))
        let machine = try #require(catalog[combo.nodes[0].machine.id])
        #expect(table.contains("<td>\(Format.watts(machine.powerW * 4))</td>"))
    }

    @Test("the comparison table's usable memory and speed on the named reference model come from the fit engine")
    func comparisonEstimates() throws {
        let table = try section("comparison")
        let reference = try #require(combo.referenceModel.flatMap { catalog[$0.id] })
        #expect(table.contains("Decode, \(escaped(reference.name)) at 4-bit, 8k context"))
        #expect(table.components(separatedBy: "class=\"estimate\"").count - 1 == 2)
        for id in [combo.id] + combo.alternatives.map(\.id) {
            let record = try #require(catalog[id])
            let hardware = try #require(Hardware(combo: record, catalog: catalog))
            let runtimes = SiteFits.runtimes(of: record, catalog)
            // Usable memory: each device under the combo's first recommended runtime.
            let usable = FitEngine.usableMemory(on: hardware, runtime: runtimes[0]).map(\.memory.capacityBytes)
            #expect(!usable.isEmpty)
            #expect(table.contains(">\(Format.perDevice(usable))<br><span class=\"muted\">under \(escaped(runtimes[0].name))</span>"))
            // Speed: the best of each runtime's 4-bit quant, at 8k context.
            var best: (Runtime, Quant, FitResult)?
            for runtime in runtimes {
                guard let quant = FitChoices.referenceQuant(of: reference, for: runtime),
                      FitChoices.fourBitQuantNames.contains(quant.name) else { continue }
                let result = FitEngine.evaluate(FitRequest(model: reference, quant: quant, runtime: runtime, contextTokens: 8192), on: hardware)
                if best.map({ FitChoices.isBetter(result, than: $0.2) }) ?? true { best = (runtime, quant, result) }
            }
            let (runtime, quant, result) = try #require(best)
            let speed = try #require(result.decode?.tokensPerSecond)
            #expect(result.verdict == .fits)
            let anchor = "../../will-it-run/combo/\(id)/index.html#\(FitRowView.anchor(model: reference.id, quant: quant.name))"
            #expect(table.contains("<a href=\"\(anchor)\">\(Format.tokensPerSecond(speed)) tokens/s</a><br><span class=\"muted\">\(escaped(quant.name)), \(escaped(runtime.name))</span>"),
                    "no speed cell for \(id)")
        }
    }

    @Test("the editorial sections carry every entry of the record")
    func editorialSections() throws {
        #expect(try section("setup-notes").components(separatedBy: "<li>").count - 1 == combo.setupNotes.count)
        let classes = try section("best-model-classes")
        for modelClass in combo.bestModelClasses {
            #expect(classes.contains("<h3>\(escaped(modelClass.name))</h3>"))
            for model in modelClass.models {
                #expect(classes.contains("../../models/\(model.id)/index.html"))
            }
        }
        #expect(try section("bad-at").components(separatedBy: "<li>").count - 1 == combo.badAt.count)
        #expect(try section("who-should-avoid-it").components(separatedBy: "<li>").count - 1 == combo.avoidIf.count)
        let operations = try section("operations")
        for title in ["Noise and thermals", "Reliability", "Operating system"] {
            #expect(operations.contains("<dt>\(title)</dt>"))
        }
        let failures = try section("failure-modes")
        #expect(combo.failureModes.count >= 4)
        for mode in combo.failureModes {
            #expect(failures.contains("<h3>\(escaped(mode.symptom))</h3>"))
        }
        let benchmarks = try section("benchmark-opportunities")
        for target in combo.benchmarkTargets {
            #expect(benchmarks.contains("../../models/\(target.model.id)/index.html"))
            #expect(benchmarks.contains(escaped(target.quant)))
        }
    }

    @Test("related links reach the stack, the guide and the tools")
    func related() throws {
        let related = try section("related")
        #expect(related.contains("../../stacks/multi-machine-apple-cluster/index.html"))
        #expect(related.contains("../../guides/running-local-ai-on-multiple-gpus-2026/index.html"))
        #expect(related.contains("../../tools/exo/index.html"))
        #expect(related.contains("../../hardware-combos/quad-rtx-3090/index.html"))
    }

    @Test("every record the page links to has its own page in the output")
    func linkedPagesExist() throws {
        let hrefs = LinkChecker.attributeValues("href", in: html)
        let onSite = hrefs.filter { !$0.hasPrefix("http") && !$0.hasPrefix("#") }
        #expect(onSite.count > 20)
        for href in onSite {
            let path = try #require(LinkChecker.resolve(href, from: "hardware-combos/quad-mac-mini-m4-pro-exo/index.html"))
            let file = path.split(whereSeparator: { $0 == "#" || $0 == "?" }).first.map(String.init) ?? path
            #expect(FileManager.default.fileExists(atPath: output + "/" + file), "\(href) has no page")
        }
        for expected in ["tools/exo", "tools/mlx-lm", "tools/llama-cpp", "tools/vllm", "tools/sglang",
                         "machines/mac-mini-m4-pro-64gb", "hardware/apple-m4-pro-20gpu-64gb", "platforms/macos-26-2",
                         "hardware-combos/mac-studio-m3-ultra-256gb", "hardware-combos/quad-rtx-3090",
                         "stacks/multi-machine-apple-cluster", "guides/running-local-ai-on-multiple-gpus-2026"] {
            #expect(onSite.contains("../../\(expected)/index.html"), "the page does not link \(expected)")
        }
    }
}
