@testable import Catalog
import FixtureSupport
import Foundation
import Testing

@Suite("Synthetic catalog (combos synth)")
struct SyntheticCatalogTests {
    static let content = FixtureSite.packageRoot + "/content"
    static let source = CatalogLoader.load(from: content).catalog
    static let copies = try! SyntheticCatalog.readCopies(from: content)

    static func generate(_ count: Int, seed: UInt64 = 1) -> [SyntheticCatalog.File] {
        SyntheticCatalog.generate(from: source, copies: copies, combos: count, seed: seed)
    }

    /// Writes the files into a fresh folder and loads it as `combos check` would.
    static func load(_ files: [SyntheticCatalog.File]) -> CatalogLoader.Result {
        SyntheticFiles.load(files)
    }

    static func body(_ text: String) -> String {
        let parts = text.components(separatedBy: "\n---\n")
        return parts.dropFirst().joined(separator: "\n---\n")
    }

    @Test("60 generated combos load with no error and no warning")
    func loadsClean() {
        let files = Self.generate(60)
        let result = Self.load(files)
        #expect(result.diagnostics.map(\.description) == [])
        #expect(result.catalog.combos.count == 60)
        #expect(result.catalog.devices.count == Self.source.devices.count)
        #expect(result.catalog.models.count == Self.source.models.count)
        #expect(Set(result.catalog.combos.all.map(\.title)).count == 60, "titles are unique")
        // Hardware varies: clusters and single boxes, several platforms, Apple and not.
        let combos = result.catalog.combos.all
        #expect(combos.contains { $0.nodeCount > 1 } && combos.contains { $0.nodeCount == 1 })
        #expect(Set(combos.map(\.platform.id.raw)).count >= 3)
        #expect(Set(combos.flatMap { $0.nodes.map(\.machine.id.raw) }).count >= 10)
    }

    @Test("the combos' cross-record rules report every combo that breaks one, however many combos there are")
    func rulesOverManyCombos() throws {
        // Enough combos that the rules run in several slices on several cores.
        var files = Self.generate(700)
        let combos = files.indices.filter { files[$0].path.hasPrefix("combos/") }
        #expect(combos.count == 700)
        let broken = [combos[0], combos[300], combos[699]]
        for index in broken {
            // Its recommended runtime (the first supported) is no longer supported.
            let range = try #require(files[index].text.range(of: "    supported: true"))
            files[index].text.replaceSubrange(range, with: "    supported: false")
        }
        let result = Self.load(files)
        let reported = Set(result.diagnostics.filter { $0.message.contains("needs an entry with supported: true") }.map(\.location.path))
        #expect(reported.count == broken.count)
        for index in broken {
            #expect(reported.contains { $0.hasSuffix("/" + files[index].path) }, "\(files[index].path)")
        }
    }

    @Test("copies are byte-for-byte, and combos, stacks and benchmarks are not copied")
    func copies() throws {
        let files = Self.generate(2)
        for copy in Self.copies {
            let original = try Data(contentsOf: URL(fileURLWithPath: Self.content + "/" + copy.path))
            #expect(Data(copy.text.utf8) == original, "\(copy.path)")
        }
        #expect(!files.contains { $0.path.hasPrefix("stacks/") || $0.path.hasPrefix("benchmarks/") })
        #expect(files.filter { $0.path.hasPrefix("combos/") }.allSatisfy { $0.path.hasPrefix("combos/synth-") })
    }

    @Test("the same seed gives identical files, another seed different ones")
    func deterministic() {
        let first = Self.generate(40, seed: 7)
        #expect(first == Self.generate(40, seed: 7))
        #expect(first != Self.generate(40, seed: 8))
        // Combo i does not depend on the count except for the combos it links.
        let ids = { (files: [SyntheticCatalog.File]) in files.map(\.path).filter { $0.hasPrefix("combos/") } }
        #expect(ids(Self.generate(20, seed: 7)) == Array(ids(first).prefix(20)))
    }

    @Test("bodies are 300 to 700 words, with a table, a list and links to models, runtimes and combos")
    func bodies() {
        for file in Self.generate(60) where file.path.hasPrefix("combos/") {
            let body = Self.body(file.text)
            let words = body.split { $0 == " " || $0 == "\n" }.count
            #expect((300...700).contains(words), "\(file.path): \(words) words")
            #expect(body.contains("\n| --- |"), "\(file.path) has no table")
            #expect(body.contains("\n- "), "\(file.path) has no list")
            #expect(body.contains("](/models/") && body.contains("](/tools/") && body.contains("](/hardware-combos/synth-"))
        }
    }

    @Test("ids are valid and titles unique over 3,000 combos")
    func idsAndTitles() {
        let pool = HardwarePool(Self.source)
        let plans = (0..<3000).map { ComboPlan.make(index: $0, pool: pool, catalog: Self.source, seed: 1) }
        #expect(plans.filter { !RecordID<Combo>.isValid($0.id) }.map(\.id) == [])
        #expect(Set(plans.map(\.id)).count == plans.count)
        #expect(Set(plans.map(\.title)).count == plans.count)
    }

    @Test("alternatives and related combos name generated combos, never the combo itself")
    func references() {
        let catalog = Self.load(Self.generate(30)).catalog
        let ids = Set(catalog.combos.ids)
        for combo in catalog.combos {
            #expect(combo.alternatives.count >= 2)
            for reference in combo.alternatives + combo.related.combos {
                #expect(ids.contains(reference.id.raw) && reference.id != combo.id, "\(combo.id.raw) -> \(reference.id.raw)")
            }
        }
    }
}
