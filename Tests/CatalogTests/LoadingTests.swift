import Catalog
import FixtureSupport
import Testing

@Suite("Loading a valid catalog")
struct LoadingTests {
    let site = FixtureSite()
    let result: CatalogLoader.Result

    init() {
        result = site.load()
    }

    @Test("every record kind loads, with no diagnostics")
    func everyKind() {
        #expect(site.headlines(result.diagnostics) == [])
        let catalog = result.catalog
        #expect(catalog.devices.ids == ["gpu-24", "soc-64"])
        #expect(catalog.machines.ids == ["box-4gpu", "mini-64"])
        #expect(catalog.platforms.ids == ["linux-test", "macos-test"])
        #expect(catalog.runtimes.ids == ["rt-cluster", "rt-gpu"])
        #expect(catalog.models.ids == ["model-dense", "model-moe"])
        #expect(catalog.combos.ids == ["gpu-box", "mini-cluster"])
        #expect(catalog.stacks.ids == ["cluster-stack"])
        #expect(catalog.guides.ids == ["fixture-guide"])
        #expect(catalog.benchmarks.ids == ["gpu-24-dense"])
        #expect(catalog.summary == "2 devices, 2 machines, 2 platforms, 2 runtimes, 2 models, 2 combos, 1 stack, 1 guide, 1 benchmark")
    }

    @Test("fields are read with their types and units")
    func fields() throws {
        let device = try #require(result.catalog[RecordID<Device>("soc-64")])
        #expect(device.name == "Test SoC, 64 GB")
        #expect(device.vendor == .apple)
        #expect(device.kind == .unifiedSoC)
        #expect(device.memoryGB == 64)
        #expect(device.memoryOptionsGB == [32, 64])
        #expect(device.bandwidthGBs == 273)
        #expect(device.backends == [.metal, .cpu])
        #expect(device.sources.first?.url == "https://example.com/soc-64")

        let gpu = try #require(result.catalog[RecordID<Device>("gpu-24")])
        #expect(gpu.pcie?.label == "PCIe 4.0 x16")
        #expect(gpu.price?.usd == 1499)
        #expect(gpu.price?.year == 2020)

        let model = try #require(result.catalog[RecordID<Model>("model-moe")])
        #expect(model.isMixtureOfExperts)
        #expect(model.experts?.total == 128)
        #expect(model.activeParamsB == 22)
        #expect(model.quant(named: "MLX 4-bit")?.bitsPerWeight == 4.5)

        let platform = try #require(result.catalog[RecordID<Platform>("macos-test")])
        #expect(platform.version == "26.2")
        #expect(platform.has(.rdmaOverThunderbolt5))
        #expect(platform.gpuWiredLimit.map(\.fraction) == [0.667, 0.75])
    }

    @Test("references resolve to the records they name, with where they were written")
    func references() throws {
        let catalog = result.catalog
        let combo = try #require(catalog[RecordID<Combo>("mini-cluster")])
        #expect(catalog[combo.platform.id]?.family == .macos)
        let node = try #require(combo.nodes.first)
        #expect(node.count == 4)
        let machine = try #require(catalog[node.machine.id])
        #expect(machine.name == "Test mini, 64 GB")
        #expect(catalog[machine.devices[0].device.id]?.chip == "Test SoC")
        #expect(combo.alternatives.map(\.id.raw) == ["gpu-box"])
        #expect(catalog[combo.alternatives[0].id]?.title == "Four-GPU box")
        #expect(combo.benchmarkTargets.first.flatMap { catalog[$0.runtime.id] }?.name == "Cluster runtime")
        // The reference knows its line and column: `  - machine: mini-64` is line 9, column 14.
        #expect(node.machine.location.line == 9)
        #expect(node.machine.location.column == 14)
        #expect(site.relative(node.machine.location.path) == "content/combos/mini-cluster.md")

        let stack = try #require(catalog[RecordID<Stack>("cluster-stack")])
        guard case .combo(let reference) = stack.components[0].target else {
            Issue.record("the first component should be the combo")
            return
        }
        #expect(catalog[reference.id]?.id.raw == "mini-cluster")
        guard case .external(let name, let url) = stack.components[3].target else {
            Issue.record("the frontend is outside the catalog")
            return
        }
        #expect(name == "Open WebUI")
        #expect(url == "https://github.com/open-webui/open-webui")
    }

    @Test("Markdown bodies keep their first line in the file")
    func bodies() throws {
        let combo = try #require(result.catalog[RecordID<Combo>("mini-cluster")])
        #expect(combo.why.text.hasPrefix("Why four minis"))
        #expect(combo.why.location.line == 60)
        let runtime = try #require(result.catalog[RecordID<Runtime>("rt-cluster")])
        #expect(runtime.review.text.contains("## Verdict"))
    }

    @Test("totals add up machines and devices")
    func totals() throws {
        let catalog = result.catalog
        let cluster = catalog.totals(of: try #require(catalog[RecordID<Combo>("mini-cluster")]))
        #expect(cluster.acceleratorMemoryGB == 256)
        #expect(cluster.isUnifiedMemory)
        #expect(cluster.machineCount == 4)
        #expect(cluster.powerW == 620)
        #expect(cluster.priceUSD == 9196)
        #expect(cluster.priceYears == 2024...2024)

        let box = catalog.totals(of: try #require(catalog[RecordID<Combo>("gpu-box")]))
        #expect(box.acceleratorMemoryGB == 96)
        #expect(!box.isUnifiedMemory)
        #expect(box.separateHostRAMGB == 128)
        #expect(box.deviceCount == 4)
        #expect(box.devices.map(\.count) == [4])
    }

    @Test("a file's lines are found after text that is not ASCII, with CRLF, a lone CR and a byte-order mark")
    func lines() {
        let file = SourceFile(path: "content/x.md", text: "\u{FEFF}title: \"Grüße ☕\"\r\nnote: 🚀 é\rlast\n")
        #expect(file.text == "title: \"Grüße ☕\"\nnote: 🚀 é\nlast\n")
        #expect(file.lineCount == 4)
        #expect((1...4).map { file.line($0) } == ["title: \"Grüße ☕\"", "note: 🚀 é", "last", ""])
        #expect(file.line(5) == nil)
        let plain = SourceFile(path: "content/y.md", text: "no newline at the end")
        #expect(plain.lineCount == 1 && plain.line(1) == "no newline at the end")
        #expect(SourceFile(path: "content/z.md", text: "").line(1) == "")
    }
}
