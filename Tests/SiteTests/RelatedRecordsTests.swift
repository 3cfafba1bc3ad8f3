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
