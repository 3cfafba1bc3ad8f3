import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Site

/// What the shipped catalog promises a reader, checked on the records and on the built site.
@Suite("The shipped catalog")
struct CatalogInvariantsTests {
    let catalog = ShippedSite.catalog

    @Test("every device, machine, platform, runtime and model cites a public source")
    func sources() {
        var cited: [(String, [Citation])] = []
        cited += catalog.devices.map { ($0.path, $0.sources) }
        cited += catalog.machines.map { ($0.path, $0.sources) }
        cited += catalog.platforms.map { ($0.path, $0.sources) }
        cited += catalog.runtimes.map { ($0.path, $0.sources) }
        cited += catalog.models.map { ($0.path, $0.sources) }
        for (path, sources) in cited {
            #expect(!sources.isEmpty, "\(path) cites nothing")
            for source in sources {
                #expect(source.url.hasPrefix("https://") || source.url.hasPrefix("http://"), "\(path): \(source.url)")
                #expect(!source.url.contains("example.com") && !source.title.contains("TODO"), "\(path) has a placeholder source")
            }
        }
    }

    @Test("no device or machine has a memory size its chip did not ship with")
    func memorySizes() {
        for device in catalog.devices where !device.memoryOptionsGB.isEmpty {
            #expect(device.memoryOptionsGB.contains(device.memoryGB), "\(device.path)")
        }
        for machine in catalog.machines {
            for slot in machine.devices {
                guard let device = catalog[slot.device.id], device.kind.sharesHostMemory else { continue }
                #expect(machine.hostRAMGB == device.memoryGB, "\(machine.path): \(machine.hostRAMGB) GB of RAM on a \(device.memoryGB) GB chip")
            }
        }
    }

    @Test("every combo has every section filled and at least two alternatives")
    func combosAreComplete() throws {
        for combo in catalog.combos {
            #expect(combo.alternatives.count >= 2, "\(combo.path) has \(combo.alternatives.count) alternative(s)")
            #expect(!combo.setupNotes.isEmpty && !combo.bestModelClasses.isEmpty && !combo.badAt.isEmpty && !combo.avoidIf.isEmpty
                    && !combo.failureModes.isEmpty && !combo.benchmarkTargets.isEmpty && !combo.splitStrategies.isEmpty, "\(combo.path)")
            #expect(combo.referenceModel != nil, "\(combo.path) names no reference model for its comparison table")
            let html = try ShippedSite.page("hardware-combos/\(combo.id)/index.html")
            for section in ComboPage.sections {
                let body = try #require(ShippedSite.section(section.id, in: html), "\(combo.id) has no \(section.id) section")
                #expect(body.count > 200, "\(combo.id): the \(section.id) section is nearly empty")
            }
        }
    }

    @Test("every record page is reachable by links from the home page")
    func reachable() throws {
        var seen: Set<String> = ["index.html"]
        var queue = ["index.html"]
        while let file = queue.popLast() {
            guard let html = try? String(contentsOfFile: ShippedSite.output + "/" + file, encoding: .utf8) else { continue }
            for href in LinkChecker.attributeValues("href", in: html) where !href.hasPrefix("http") && !href.hasPrefix("#") && !href.hasPrefix("mailto:") {
                guard let resolved = LinkChecker.resolve(String(href.split(whereSeparator: { $0 == "#" || $0 == "?" }).first ?? ""), from: file) else { continue }
                let target = resolved.hasSuffix("/") || resolved.isEmpty ? resolved + "index.html" : resolved
                guard target.hasSuffix(".html"), seen.insert(target).inserted else { continue }
                queue.append(target)
            }
        }
        for kind in RecordKind.allCases where kind != .benchmark {
            for id in catalog.ids(of: kind) {
                #expect(seen.contains("\(Route.section(kind))/\(id)/index.html"), "no link path leads from the home page to the \(kind.singular) \(id)")
            }
        }
    }
}
