import Foundation
import Testing
@testable import Catalog

/// Dates as records write them and as pages, the feed, the sitemap and the JSON API show them.
@Suite("Days")
struct DayTests {
    @Test("a day is written YYYY-MM-DD, zero-padded, and reads back as itself")
    func description() throws {
        for year in [0, 7, 42, 999, 1000, 2026, 9999] {
            for (month, day) in [(1, 1), (2, 28), (9, 9), (10, 31), (12, 31)] {
                let written = try #require(Day(year: year, month: month, day: day)).description
                #expect(written == String(format: "%04d-%02d-%02d", year, month, day))
                #expect(Day(written)?.description == written)
            }
        }
        // A sign is a digit short: the year is read as a number and written back padded.
        #expect(Day("+123-01-05")?.description == "0123-01-05")
        #expect(Day("2026-02-29") == nil && Day("2024-02-29")?.description == "2024-02-29")
    }
}
