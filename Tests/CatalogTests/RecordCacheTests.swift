import Catalog
import FixtureSupport
import Foundation
import Testing

/// The record cache a build keeps beside its output: a file read back from it must give the
/// record, the data and the diagnostics its parse gives, and a file that changed, a file with a
/// problem or a damaged cache must be parsed again.
@Suite("Record cache")
struct RecordCacheTests {
    static let fingerprint: UInt64 = 0x1234_5678_9abc_def0

    /// Loads `site` with a cache, writes the cache, and returns what a second process would read.
    func stored(_ site: FixtureSite, fingerprint: UInt64 = fingerprint) throws -> Data {
        let records = RecordCache()
        _ = CatalogLoader.load(from: site.content, records: records)
        let url = URL(fileURLWithPath: site.path("records"))
        try records.write(to: url, fingerprint: fingerprint)
        return try Data(contentsOf: url)
    }

    /// The cache read back from `data`, and a load of `site` with it.
    func reloaded(_ site: FixtureSite, from data: Data) throws -> (records: RecordCache, result: CatalogLoader.Result) {
        let records = try #require(RecordCache(data, fingerprint: Self.fingerprint))
        return (records, CatalogLoader.load(from: site.content, records: records))
    }

    /// Every record of every kind as its full description (every field, nested values and
    /// source locations included), by kind and id.
    func described(_ catalog: Catalog) -> [String: String] {
        var records: [String: String] = [:]
        for device in catalog.devices { records["device:\(device.id)"] = canonical(device) }
        for machine in catalog.machines { records["machine:\(machine.id)"] = canonical(machine) }
        for platform in catalog.platforms { records["platform:\(platform.id)"] = canonical(platform) }
        for runtime in catalog.runtimes { records["runtime:\(runtime.id)"] = canonical(runtime) }
        for model in catalog.models { records["model:\(model.id)"] = canonical(model) }
        for combo in catalog.combos { records["combo:\(combo.id)"] = canonical(combo) }
        for stack in catalog.stacks { records["stack:\(stack.id)"] = canonical(stack) }
        for guide in catalog.guides { records["guide:\(guide.id)"] = canonical(guide) }
        for benchmark in catalog.benchmarks { records["benchmark:\(benchmark.id)"] = canonical(benchmark) }
        return records
    }

    /// A value's every stored property, recursively, with dictionaries and sets in sorted order
    /// (their own descriptions follow hashing order, which differs between two equal ones).
    func canonical(_ value: Any) -> String {
        let mirror = Mirror(reflecting: value)
        guard !mirror.children.isEmpty else { return String(reflecting: value) }
        let children = mirror.children.map { ($0.label.map { $0 + ": " } ?? "") + canonical($0.value) }
        switch mirror.displayStyle {
        case .dictionary, .set: return "[" + children.sorted().joined(separator: ", ") + "]"
        default: return "\(type(of: value))(" + children.joined(separator: ", ") + ")"
        }
    }

    func recordCount(_ catalog: Catalog) -> Int {
        RecordKind.allCases.reduce(0) { $0 + catalog.ids(of: $1).count }
    }

    @Test("a second load reads every file back from the cache and gets the same records and data")
    func readBack() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let parsed = site.load()
        let (records, cached) = try reloaded(site, from: try stored(site))

        #expect(recordCount(parsed.catalog) == 15)
        #expect(records.count == 15)
        #expect(records.reused == 15)
        #expect(cached.diagnostics.isEmpty)
        #expect(described(cached.catalog) == described(parsed.catalog))
        #expect(cached.catalog.data == parsed.catalog.data)
        // What it read back is kept for the next build.
        #expect(records.keptCount == 15)
    }

    @Test("a cache only read (check, serve) is read back from all the same, and keeps nothing to write")
    func readOnly() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let data = try stored(site)
        site.replace(in: "content/combos/gpu-box.md", "title: ", with: "title: Edited ")
        let records = try #require(RecordCache(data, fingerprint: Self.fingerprint))
        records.keeping = false
        let cached = CatalogLoader.load(from: site.content, records: records)

        #expect(records.reused == 14)
        #expect(records.keptCount == 0)
        #expect(described(cached.catalog) == described(site.load().catalog))
    }

    @Test("a file edited since is parsed again, and what it says now is read")
    func editedFile() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let data = try stored(site)
        site.replace(in: "content/combos/gpu-box.md", "title: ", with: "title: Edited ")
        let (records, cached) = try reloaded(site, from: data)

        #expect(records.reused == 14)
        #expect(cached.catalog[RecordID<Combo>("gpu-box")]?.title.hasPrefix("Edited ") == true)
        #expect(described(cached.catalog) == described(site.load().catalog))
        #expect(records.keptCount == 15)
    }

    @Test("references read back from the cache are reported at the line and column they are written on")
    func referencePlaces() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let data = try stored(site)
        // Every record that names this machine now names nothing: reported from each, at the
        // place the reference is written.
        site.remove("content/machines/box-4gpu.yaml")
        let (records, cached) = try reloaded(site, from: data)
        let parsed = site.load()

        #expect(records.reused == 14)
        #expect(parsed.diagnostics.hasErrors)
        #expect(site.headlines(cached.diagnostics) == site.headlines(parsed.diagnostics))
        #expect(cached.diagnostics.map(\.description) == parsed.diagnostics.map(\.description))
    }

    @Test("a file with a problem is not kept: it is parsed, and reported, every time")
    func problemsAreNotKept() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.replace(in: "content/combos/mini-cluster.md", "summary:", with: "summry:")
        let data = try stored(site)
        let (records, cached) = try reloaded(site, from: data)

        #expect(records.count == 14)
        #expect(records.reused == 14)
        #expect(site.headlines(cached.diagnostics) == site.headlines(site.load().diagnostics))
        #expect(site.headlines(cached.diagnostics).contains {
            $0.hasPrefix("content/combos/mini-cluster.md:3:1: error: unknown field \"summry\"")
        })
    }

    @Test("a cache from another build, or cut short, is not read at all")
    func foreignOrTruncated() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let data = try stored(site)
        #expect(RecordCache(data, fingerprint: Self.fingerprint + 1) == nil)
        #expect(RecordCache(data.prefix(data.count - 1), fingerprint: Self.fingerprint) == nil)
        #expect(RecordCache(data + Data([0]), fingerprint: Self.fingerprint) == nil)
        #expect(RecordCache(Data(), fingerprint: Self.fingerprint) == nil)
        #expect(RecordCache(Data("combos-records\n".utf8), fingerprint: Self.fingerprint) == nil)
    }

    @Test("a damaged entry is parsed again, never read wrong")
    func damagedEntry() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        var data = try stored(site)
        // A letter of the device's name, inside its entry's fields.
        let name = Data("Test SoC, 64 GB".utf8)
        let range = try #require(data.range(of: name))
        data[range.lowerBound] = UInt8(ascii: "X")
        let (records, cached) = try reloaded(site, from: data)

        #expect(records.reused == 14)
        #expect(cached.catalog[RecordID<Device>("soc-64")]?.name == "Test SoC, 64 GB")
        #expect(described(cached.catalog) == described(site.load().catalog))
    }

    @Test("random damage anywhere never crashes a load, and never changes what it reads")
    func randomDamage() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        let data = try stored(site)
        let expected = described(site.load().catalog)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var damaged = data
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                damaged[Int.random(in: 0..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            guard let records = RecordCache(damaged, fingerprint: Self.fingerprint) else { continue }
            let cached = CatalogLoader.load(from: site.content, records: records)
            #expect(cached.diagnostics.isEmpty)
            #expect(described(cached.catalog) == expected)
        }
    }
}
