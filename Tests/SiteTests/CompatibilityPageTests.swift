import Catalog
import Foundation
import Testing
@testable import Site

/// `/compatibility/`: a reader compares runtimes at a glance, so every cell must say what the
/// runtime's record says, in words.
@Suite("Compatibility page")
struct CompatibilityPageTests {
    /// One table of the page as a reader sees it: column headings, and per row the runtime link
    /// and the cells' text.
    struct Table {
        var caption: String
        var columns: [String]
        var rows: [(href: String, cells: [String])]
    }

    func matches(_ pattern: String, in text: String) -> [[String]] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    func table(_ id: String) throws -> Table {
        let html = try ShippedSite.page("compatibility/index.html")
        let section = try #require(ShippedSite.section(id, in: html), "no section \(id)")
        let caption = try #require(matches("<caption>(.*?)</caption>", in: section).first?[1])
        let head = try #require(matches("<thead>(.*?)</thead>", in: section).first?[1])
        let columns = matches("<th scope=\"col\">(.*?)</th>", in: head).map { LinkChecker.decodeEntities($0[1]) }
        let body = try #require(matches("<tbody>(.*?)</tbody>", in: section).first?[1])
        let rows = matches("<tr><th scope=\"row\"><a href=\"([^\"]*)\">[^<]*</a></th>(.*?)</tr>", in: body).map { row in
            (href: row[1], cells: matches("<td class=\"(yes|no)\">(.*?)</td>", in: row[2]).map { cell in
                // The class and the text agree; the text is what a screen reader says.
                #expect(cell[1] == cell[2].lowercased())
                return cell[2]
            })
        }
        return Table(caption: caption, columns: columns, rows: rows)
    }

    func expectMatrix<Term: VocabularyTerm>(_ id: String, _ terms: [Term], _ has: (Runtime) -> [Term]) throws {
        let table = try table(id)
        let runtimes = ShippedSite.catalog.runtimes.all
        #expect(!table.caption.isEmpty)
        #expect(table.columns == ["Runtime"] + terms.map(\.label))
        #expect(table.rows.map(\.href) == runtimes.map { "../tools/\($0.id.raw)/index.html" })
        for (runtime, row) in zip(runtimes, table.rows) {
            let expected = terms.map { has(runtime).contains($0) ? "Yes" : "No" }
            #expect(row.cells == expected, "\(runtime.id) in \(id)")
        }
    }

    @Test("operating systems, backends, split strategies and formats match every runtime record")
    func vocabularyTables() throws {
        #expect(ShippedSite.catalog.runtimes.count >= 10)
        try expectMatrix("platforms", OSFamily.allCases, \.platforms)
        try expectMatrix("backends", Backend.allCases, \.backends)
        try expectMatrix("split-strategies", SplitStrategy.allCases, \.splitStrategies)
        try expectMatrix("formats", WeightFormat.allCases, \.formats)
    }

    @Test("multi-host support, its transports and vendor mixing match every runtime record")
    func multiHostTable() throws {
        let table = try table("multi-host")
        let runtimes = ShippedSite.catalog.runtimes.all
        #expect(table.columns == ["Runtime", "One model across machines", "Over RDMA", "Over TCP/IP", "Mixes vendors in one model"])
        #expect(table.rows.count == runtimes.count)
        var sawMultiHost = false
        var sawRDMA = false
        for (runtime, row) in zip(runtimes, table.rows) {
            let multiHost = runtime.multiHost
            sawMultiHost = sawMultiHost || multiHost.supported
            sawRDMA = sawRDMA || multiHost.transports.contains(.rdma)
            func word(_ value: Bool) -> String { value ? "Yes" : "No" }
            #expect(row.cells == [
                word(multiHost.supported), word(multiHost.supported && multiHost.transports.contains(.rdma)),
                word(multiHost.supported && multiHost.transports.contains(.tcpIP)), word(runtime.mixedVendors),
            ], "\(runtime.id)")
        }
        // The shipped catalog has both kinds, so the table is not trivially all "No".
        #expect(sawMultiHost && sawRDMA)
        #expect(table.rows.contains { $0.cells.first == "No" })
    }

    @Test("each runtime's constraints appear as notes under its name")
    func constraints() throws {
        let html = try ShippedSite.page("compatibility/index.html")
        let section = try #require(ShippedSite.section("constraints", in: html))
        for runtime in ShippedSite.catalog.runtimes where !runtime.constraints.isEmpty {
            let link = "<dt><a href=\"../tools/\(runtime.id.raw)/index.html\">"
            let start = try #require(section.range(of: link), "no notes for \(runtime.id)")
            let entry = section[start.upperBound...].prefix { $0 != "\n" }
            #expect(entry.components(separatedBy: "<li>").count - 1
                    == runtime.constraints.count + (runtime.multiHost.note == nil ? 0 : 1), "\(runtime.id)")
        }
    }

    @Test("the page is reachable from the home page")
    func linkedFromHome() throws {
        let home = try ShippedSite.page("index.html")
        #expect(LinkChecker.attributeValues("href", in: home).contains("compatibility/index.html"))
    }
}
