import Catalog
import Foundation
import Testing
@testable import Site

/// A machine page as a visitor reads it.
@Suite("Machine pages")
struct MachinePageTests {
    @Test("how a machine's devices connect is said in sentences that end with one full stop, with a note or without")
    func deviceLinkSentence() throws {
        var checked = 0
        for machine in ShippedSite.catalog.machines where machine.deviceLink != nil {
            let html = try ShippedSite.page(Route.machine(machine.id).outputFile)
            let start = try #require(html.range(of: "<p>Devices connect over "), "\(machine.id)")
            let end = try #require(html[start.upperBound...].range(of: "</p>"), "\(machine.id)")
            let text = String(html[start.upperBound..<end.lowerBound])
            #expect(text.hasSuffix(".") && !text.hasSuffix(".."), "\(machine.id): \(text)")
            checked += 1
        }
        #expect(checked > 5)
        // Without a note, the stop is added.
        #expect(MachinePage.sentence("PCIe 5.0 x16, 63 GB/s per device") == "PCIe 5.0 x16, 63 GB/s per device.")
        #expect(MachinePage.sentence("per device. Cards share a bridge.") == "per device. Cards share a bridge.")
        #expect(MachinePage.sentence("per device. Does it matter?") == "per device. Does it matter?")
    }

    @Test("no paragraph of the shipped site ends with a doubled full stop")
    func noDoubledStops() throws {
        let root = ShippedSite.output
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".html") && !ShippedSite.isScratch($0) } ?? []
        #expect(files.count > 300)
        let doubled = try Regex("[A-Za-z0-9)]\\.\\.</(p|li|td|dd)>")
        for file in files {
            let html = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            var found: String?
            if let match = html.firstMatch(of: doubled) {
                // The 60 characters before the stops, to say where.
                let start = html.index(match.range.lowerBound, offsetBy: -60, limitedBy: html.startIndex) ?? html.startIndex
                found = String(html[start..<match.range.upperBound])
            }
            #expect(found == nil, "\(file): \(found ?? "")")
        }
    }

    /// What a price includes is a note in sentences, not a figure: in the facts grid a long one
    /// spans the row in plain weight (a cell of bold prose made its row many lines tall); a short
    /// one ("launch MSRP") stays a cell.
    @Test("a long price note is shown as a note across the facts, a short one as a cell, on machine and device pages alike")
    func priceNote() throws {
        var long = 0
        var short = 0
        func check(_ note: String, _ file: String) throws {
            let html = try ShippedSite.page(file)
            let isLong = note.count > Fact.noteLength
            #expect(html.contains(isLong ? "<div class=\"note\"><dt>About the price</dt>" : "<div><dt>About the price</dt>"), "\(file)")
            if isLong { long += 1 } else { short += 1 }
        }
        for machine in ShippedSite.catalog.machines {
            if let note = machine.price?.note { try check(note, Route.machine(machine.id).outputFile) }
        }
        for device in ShippedSite.catalog.devices {
            if let note = device.price?.note { try check(note, Route.device(device.id).outputFile) }
        }
        #expect(long > 10)
        #expect(short > 10)
        // Figures stay figures.
        let page = try ShippedSite.page(Route.machine(ShippedSite.catalog.machines.all[0].id).outputFile)
        #expect(page.contains("<div><dt>Form factor</dt>"))
        let css = try String(contentsOfFile: ShippedSite.output + "/assets/site.css", encoding: .utf8)
        #expect(css.contains(".facts .note { grid-column: 1 / -1; }"))
    }
}
