import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// The "See also" block: computed from what records share, on every record page that has
/// anything related, without repeating the page's own related list.
@Suite("See also")
struct RelatedRecordsTests {
    let catalog = ShippedSite.catalog

    @Test("a card's page suggests the combos and machines built on it, strongest first")
    func devicePage() throws {
        let related = RelatedRecords(catalog).related(to: .init(kind: .device, id: "rtx-3090"))
        #expect(related.contains(.init(kind: .combo, id: "quad-rtx-3090")))
        #expect(related.contains(.init(kind: .machine, id: "quad-rtx-3090-workstation")))
        #expect(!related.contains(.init(kind: .device, id: "rtx-3090")), "never itself")
        let html = try ShippedSite.page("hardware/rtx-3090/index.html")
        let block = try #require(ShippedSite.section("see-also", in: html))
        #expect(block.contains("href=\"../../hardware-combos/quad-rtx-3090/index.html\""))
    }

    @Test("naming every runtime in a verdict list does not make every combo related to every runtime")
    func surveysDoNotCount() {
        let related = RelatedRecords(catalog)
        let exo = related.related(to: .init(kind: .runtime, id: "exo"))
        // exo runs on Macs: no NVIDIA workstation is related to it just for saying exo does not run there.
        #expect(!exo.contains(.init(kind: .combo, id: "dual-rtx-3090")))
        #expect(exo.contains(.init(kind: .stack, id: "multi-machine-apple-cluster")))
    }

    @Test("a combo's block leaves out what its own related list and alternatives already link")
    func noRepeats() throws {
        let combo = try #require(catalog[RecordID<Combo>("dual-rtx-3090")])
        let html = try ShippedSite.page("hardware-combos/dual-rtx-3090/index.html")
        let block = ShippedSite.section("see-also", in: html) ?? ""
        for reference in combo.related.combos + combo.alternatives {
            #expect(!block.contains("hardware-combos/\(reference.id)/index.html"), "\(reference.id)")
        }
    }

    @Test("every record page of a kind that has related records shows the block")
    func everyRecordPage() throws {
        let related = RelatedRecords(catalog)
        var pages = 0
        for kind in RelatedRecords.shownKinds {
            for id in catalog.ids(of: kind) where !related.related(to: .init(kind: kind, id: id)).isEmpty {
                let html = try ShippedSite.page(Route.page(kind, id).outputFile)
                let block = ShippedSite.section("see-also", in: html)
                let shown = (kind == .combo || kind == .stack || kind == .guide) ? block != nil || html.contains("id=\"related\"") : block != nil
                #expect(shown, "\(kind.rawValue) \(id)")
                pages += 1
            }
        }
        #expect(pages > 100)
    }
}

/// The ranking's shortcut (`rankedByCloseShares`) against the full ranking, on a synthetic
/// catalog large enough that most combos share devices and machines with many others, and on the
/// shipped catalog, where most records have few close neighbours.
@Suite("See also at scale")
struct RelatedRecordsScaleTests {
    static let synthetic: Catalog = {
        let content = FixtureSite.packageRoot + "/content"
        let source = CatalogLoader.load(from: content).catalog
        let copies = try! SyntheticCatalog.readCopies(from: content)
        return SyntheticFiles.load(SyntheticCatalog.generate(from: source, copies: copies, combos: 600, seed: 7)).catalog
    }()

    /// How many records the shortcut answered for, each checked against the full ranking.
    func compare(_ catalog: Catalog) -> Int {
        let full = RelatedRecords(catalog, shortcut: false)
        let fast = RelatedRecords(catalog)
        var answered = 0
        for kind in RelatedRecords.shownKinds {
            for id in catalog.ids(of: kind) {
                let node = RelatedRecords.Node(kind: kind, id: id)
                let expected = full.related(to: node)
                if let quick = full.rankedByCloseShares(node) {
                    answered += 1
                    #expect(quick == expected, "\(kind.rawValue) \(id)")
                }
                #expect(fast.related(to: node) == expected, "\(kind.rawValue) \(id)")
            }
        }
        return answered
    }

    @Test("on a large catalog the shortcut answers for most combos, each time with the full ranking's list")
    func shortcutAtScale() {
        let catalog = Self.synthetic
        #expect(catalog.combos.count >= 600)
        let answered = compare(catalog)
        #expect(answered * 2 > catalog.combos.count, "the shortcut answered for \(answered) records")
    }

    @Test("on the shipped catalog every record's block is the full ranking's")
    func shortcutOnShippedCatalog() {
        _ = compare(ShippedSite.catalog)
    }

    /// A record with fewer close neighbours than the block holds: the records that only share
    /// its runtime fill the rest, so the shortcut must not answer with the close ones alone.
    @Test("a guide that names one runtime and nothing else lists the records that also name it")
    func fewCloseNeighbours() throws {
        let root = TestScratch.path("combos-related")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.copyItem(atPath: FixtureSite.packageRoot + "/content", toPath: root)
        try Data("""
            ---
            title: "Ollama in one page"
            summary: "What Ollama is for, in a few lines."
            published: 2026-11-26
            related:
              tools: [ollama]
            ---
            Ollama wraps llama.cpp behind a small server and a model library.

            """.utf8).write(to: URL(fileURLWithPath: root + "/guides/ollama-in-one-page.md"))
        let catalog = CatalogLoader.load(from: root).catalog
        let node = RelatedRecords.Node(kind: .guide, id: "ollama-in-one-page")
        let related = RelatedRecords(catalog).related(to: node)
        #expect(related.first == RelatedRecords.Node(kind: .runtime, id: "ollama"))
        // Stacks and guides that also point at Ollama (combos naming every runtime do not).
        #expect(related.count > 1, "\(related)")
        #expect(related == RelatedRecords(catalog, shortcut: false).related(to: node))
        _ = compare(catalog)
    }
}
