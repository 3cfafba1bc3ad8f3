import Catalog
import FixtureSupport
import Testing
@testable import Site

@Suite("Topology diagrams")
struct TopologyDiagramTests {
    func diagram(_ change: (FixtureSite) -> Void = { _ in }, combo id: String = "mini-cluster") throws -> (TopologyDiagram, String) {
        let site = FixtureSite()
        defer { site.destroy() }
        change(site)
        let result = site.load()
        #expect(result.diagnostics.errors.map(\.description) == [])
        let combo = try #require(result.catalog[RecordID<Combo>(id)])
        let diagram = try #require(TopologyDiagram.make(for: combo, in: result.catalog))
        return (diagram, diagram.svg().html)
    }

    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("a full mesh draws a link between every pair")
    func fullMesh() throws {
        let (diagram, svg) = try diagram()
        #expect(count("<line class=\"topo-link\"", in: svg) == 6)
        #expect(diagram.description.hasPrefix("4× Test mini, 64 GB, every machine cabled directly to every other over Thunderbolt 5 RDMA at 80 Gb/s."))
    }

    @Test("a ring links neighbours only; a star links each machine to a switch")
    func ringAndStar() throws {
        let (_, ring) = try diagram { $0.replace(in: "content/combos/mini-cluster.md", "topology: full-mesh", with: "topology: ring") }
        #expect(count("<line class=\"topo-link\"", in: ring) == 4)
        let (_, star) = try diagram {
            $0.replace(in: "content/combos/mini-cluster.md", "topology: full-mesh", with: "topology: star")
            $0.replace(in: "content/combos/mini-cluster.md", "interconnect: thunderbolt-5\n  transport: rdma\n  gbit_s: 80",
                       with: "interconnect: ethernet\n  transport: tcp-ip\n  gbit_s: 10")
        }
        #expect(count("<line class=\"topo-link\"", in: star) == 4)
        #expect(star.contains(">Switch</text>"))
        #expect(count(">Ethernet TCP/IP</tspan>", in: star) == 4)
    }

    @Test("a box of four GPUs draws each card with a labelled link to the host")
    func singleBox() throws {
        let (diagram, svg) = try diagram(combo: "gpu-box")
        for gpu in 1...4 { #expect(svg.contains(">GPU \(gpu)</text>")) }
        #expect(count("<line class=\"topo-link\"", in: svg) == 4)
        #expect(count(">PCIe 4.0 x16</tspan>", in: svg) == 4)
        #expect(svg.contains(">128 GB RAM</text>"))
        #expect(diagram.description == "One Four-GPU box holding 4× Test GPU 24 (24 GB), each connected to the host by PCIe 4.0 x16 at 31.5 GB/s.")
    }

    @Test("names from content are escaped inside the SVG")
    func escaping() throws {
        let (_, svg) = try diagram { $0.replace(in: "content/combos/mini-cluster.md", "name: mini", with: "name: \"<script>x</script>\"") }
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;x&lt;/script&gt; 1"))
    }

    @Test("long names are shortened to fit their box")
    func fitting() {
        #expect(TopologyDiagram.fit("Short", width: 100, fontSize: 13) == "Short")
        let fitted = TopologyDiagram.fit(String(repeating: "x", count: 80), width: 100, fontSize: 13)
        #expect(fitted.count == 13)
        #expect(fitted.hasSuffix("…"))
    }
}
