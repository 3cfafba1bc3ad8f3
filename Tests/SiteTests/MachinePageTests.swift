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
        let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".html") } ?? []
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
}
