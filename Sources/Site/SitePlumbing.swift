import Catalog
import Foundation

/// The files a host and crawlers expect beside the pages, made from the base URL
/// (`--base-url`): the sitemap, robots.txt, the Atom feed and the JSON API. Each is made from the
/// records and the list of pages alone, sorted, with no clock: same input, same bytes.
enum SitePlumbing {
    static func files(_ catalog: Catalog, pages: [SitePath], config: SiteConfig) -> [OutputWriter.File] {
        generated(catalog, pages: pages, config: config).map { $0.made() }
    }

    /// `catalogFiles` for a preview rebuild, the JSON API made reusing the last one's unchanged
    /// records; with the export, for the next rebuild. (The sitemap, which needs the page
    /// list, is made apart.)
    static func catalogFiles(
        _ catalog: Catalog, config: SiteConfig, reusing previous: CatalogAPI.Export?
    ) -> (files: [OutputWriter.File], export: CatalogAPI.Export) {
        let export = CatalogAPI.export(catalog, config: config, previous: previous)
        let others = catalogFiles(catalog, config: config)
            .filter { $0.path != Route.catalogAPI.outputFile }
            .map { $0.made() }
        return (others + [OutputWriter.File(path: Route.catalogAPI.outputFile, contents: export.data)], export)
    }

    static func generated(_ catalog: Catalog, pages: [SitePath], config: SiteConfig) -> [OutputWriter.Generated] {
        [sitemap(catalog, pages: pages, config: config)] + catalogFiles(catalog, config: config)
    }

    /// The sitemap, which lists the pages.
    static func sitemap(_ catalog: Catalog, pages: [SitePath], config: SiteConfig) -> OutputWriter.Generated {
        file(Route.sitemap) { Sitemap.xml(pages: pages, catalog: catalog, config: config) }
    }

    /// The files made from the catalog alone, which `combos build` makes while it plans the pages.
    static func catalogFiles(_ catalog: Catalog, config: SiteConfig) -> [OutputWriter.Generated] {
        [
            file(Route.robots) { robots(config) },
            file(Route.feed) { AtomFeed.xml(catalog, config: config) },
            OutputWriter.Generated(path: Route.catalogAPI.outputFile) { CatalogAPI.data(catalog, config: config) },
        ]
    }

    private static func file(_ path: SitePath, _ text: @escaping @Sendable () -> String) -> OutputWriter.Generated {
        OutputWriter.Generated(path: path.outputFile) { Data(text().utf8) }
    }

    /// Everything may be crawled; the sitemap says where everything is.
    static func robots(_ config: SiteConfig) -> String {
        "User-agent: *\nAllow: /\n\nSitemap: \(config.absoluteURL(Route.sitemap))\n"
    }

    /// When a record was last looked at by an editor, for the pages that show it.
    static func lastModified(_ catalog: Catalog) -> [SitePath: Day] {
        var days: [SitePath: Day] = [:]
        for combo in catalog.combos { if let day = combo.reviewed { days[Route.combo(combo.id)] = day } }
        for runtime in catalog.runtimes { if let day = runtime.reviewed { days[Route.runtime(runtime.id)] = day } }
        for stack in catalog.stacks { if let day = stack.reviewed { days[Route.stack(stack.id)] = day } }
        for guide in catalog.guides { if let day = guide.updated ?? guide.published { days[Route.guide(guide.id)] = day } }
        return days
    }
}

/// `/sitemap.xml`: every HTML page once, by absolute URL, sorted.
enum Sitemap {
    static func xml(pages: [SitePath], catalog: Catalog, config: SiteConfig) -> String {
        let days = SitePlumbing.lastModified(catalog)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n"
        for path in Set(pages.filter(\.isPage)).sorted() {
            xml += "  <url><loc>\(escapeXML(config.absoluteURL(path)))</loc>"
            if let day = days[path] { xml += "<lastmod>\(day)</lastmod>" }
            xml += "</url>\n"
        }
        return xml + "</urlset>\n"
    }
}

/// `/feed.xml`: an Atom 1.0 feed of what has a date: combos by when they were reviewed, guides
/// by when they were published, benchmarks by when they were measured. Newest first, the newest
/// `limit` only.
enum AtomFeed {
    /// Feed readers fetch the feed again and again to show what is new, so it holds the newest
    /// entries, not the catalog: at ten thousand combos every entry was 6.7 MB per fetch. A
    /// hundred is months of the catalog's reviews (the shipped one has 65 dated records).
    static let limit = 100

    struct Entry {
        let day: Day
        let title: String
        let url: String
        let summary: String
        let published: Day?
    }

    static func entries(_ catalog: Catalog, config: SiteConfig) -> [Entry] {
        var entries: [Entry] = []
        for combo in catalog.combos {
            guard let day = combo.reviewed else { continue }
            entries.append(Entry(day: day, title: combo.title, url: config.absoluteURL(Route.combo(combo.id)), summary: combo.summary, published: nil))
        }
        for guide in catalog.guides {
            guard let day = guide.published else { continue }
            entries.append(Entry(
                day: guide.updated ?? day, title: guide.title, url: config.absoluteURL(Route.guide(guide.id)), summary: guide.summary,
                published: day))
        }
        for benchmark in catalog.benchmarks {
            guard let day = benchmark.measured else { continue }
            let model = catalog[benchmark.model.id]?.name ?? benchmark.model.id.raw
            let runtime = catalog[benchmark.runtime.id]?.name ?? benchmark.runtime.id.raw
            let on = benchmark.combo.flatMap { catalog[$0.id]?.title }
                ?? benchmark.devices.map { slot in Format.count(slot.count) + (catalog[slot.device.id]?.name ?? slot.device.id.raw) }
                    .joined(separator: " + ")
            var speeds: [String] = []
            if let decode = benchmark.decodeTPS { speeds.append("decode \(Format.tokensPerSecond(decode)) tokens/s") }
            if let prefill = benchmark.prefillTPS { speeds.append("prefill \(Format.tokensPerSecond(prefill)) tokens/s") }
            let (path, fragment) = Route.url(of: .benchmark, benchmark.id.raw)
            entries.append(Entry(
                day: day, title: "Measured: \(model) \(benchmark.quant) with \(runtime) on \(on)",
                url: config.absoluteURL(path, fragment: fragment),
                summary: speeds.joined(separator: ", ") + " (\(benchmark.source.title))", published: nil))
        }
        // Newest first; on the same day, by title and then URL, so the order never depends on
        // the order files were read.
        return entries.sorted { ($1.day, $0.title, $0.url) < ($0.day, $1.title, $1.url) }
    }

    static func timestamp(_ day: Day) -> String { "\(day)T00:00:00Z" }

    static func xml(_ catalog: Catalog, config: SiteConfig) -> String {
        let entries = entries(catalog, config: config).prefix(limit)
        let site = escapeXML(config.title)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        xml += "  <id>\(escapeXML(config.baseURL))</id>\n"
        xml += "  <title>\(site)</title>\n"
        // The feed changed when its newest entry did; no build clock, so rebuilds are identical.
        xml += "  <updated>\(timestamp(entries.map(\.day).max() ?? Day("2000-01-01")!))</updated>\n"
        xml += "  <link rel=\"self\" href=\"\(escapeXML(config.absoluteURL(Route.feed)))\"/>\n"
        xml += "  <link rel=\"alternate\" type=\"text/html\" href=\"\(escapeXML(config.baseURL))\"/>\n"
        xml += "  <author><name>\(site)</name></author>\n"
        for entry in entries {
            xml += "  <entry>\n"
            xml += "    <id>\(escapeXML(entry.url))</id>\n"
            xml += "    <title>\(escapeXML(entry.title))</title>\n"
            xml += "    <updated>\(timestamp(entry.day))</updated>\n"
            if let published = entry.published { xml += "    <published>\(timestamp(published))</published>\n" }
            xml += "    <link rel=\"alternate\" type=\"text/html\" href=\"\(escapeXML(entry.url))\"/>\n"
            xml += "    <summary>\(escapeXML(entry.summary))</summary>\n"
            xml += "  </entry>\n"
        }
        return xml + "</feed>\n"
    }
}

/// `/api/catalog.json`: every record of every kind as data. The shape is in the README ("JSON
/// API"): `{"records": [{"body", "fields", "id", "kind", "url"}], "site": {...}, "version": 1}`,
/// records sorted by kind (in the content model's order) and id, keys sorted.
enum CatalogAPI {
    static let version = 1

    static func json(_ catalog: Catalog, config: SiteConfig) -> String {
        String(decoding: data(catalog, config: config), as: UTF8.self)
    }

    static func data(_ catalog: Catalog, config: SiteConfig) -> Data {
        export(catalog, config: config).data
    }

    /// An export and where each record is in it, so the next export (a preview rebuild after
    /// one edit) copies the bytes of records that did not change instead of writing them again:
    /// at ten thousand combos writing them was most of a rebuild's second core.
    struct Export: Sendable {
        let data: Data
        /// By `kind:id`: the record's object in `data` and what it was written from.
        let parts: [String: Part]

        struct Part: Sendable {
            let range: Range<Int>
            let record: RecordData?
            let url: String
        }
    }

    /// The export as bytes, made record by record into a buffer sized up front: at ten thousand
    /// combos it is near 100 MB, and a String grown by doubling, then copied, held three times
    /// that. A record written from the same data at the same address as in `previous` is copied
    /// from it.
    static func export(_ catalog: Catalog, config: SiteConfig, previous: Export? = nil) -> Export {
        var capacity = 256
        for kind in RecordKind.allCases {
            for id in catalog.ids(of: kind) {
                let data = catalog.data[kind]?[id]
                capacity += 256 + id.utf8.count * 2 + (data?.fieldsJSON.utf8.count ?? 2) + (data?.body.map { $0.utf8.count + $0.utf8.count / 8 } ?? 0)
            }
        }
        var out = Data()
        out.reserveCapacity(capacity)
        var parts: [String: Export.Part] = [:]
        parts.reserveCapacity(previous?.parts.count ?? 0)
        var first = true
        for kind in RecordKind.allCases {
            for id in catalog.ids(of: kind) {
                out.append(contentsOf: (first ? "{\"records\":[" : ",").utf8)
                first = false
                let data = catalog.data[kind]?[id]
                let (path, fragment) = Route.url(of: kind, id)
                let url = config.absoluteURL(path, fragment: fragment)
                let key = "\(kind.rawValue):\(id)"
                let start = out.count
                if let previous, let part = previous.parts[key], part.record == data, part.url == url {
                    out.append(previous.data[part.range])
                } else {
                    var json = "\n{"
                    if let body = data?.body {
                        json += "\"body\":"
                        writeJSONString(body, into: &json)
                        json += ","
                    }
                    json += "\"fields\":" + (data?.fieldsJSON ?? "{}")
                    json += ",\"id\":"
                    writeJSONString(id, into: &json)
                    json += ",\"kind\":"
                    writeJSONString(kind.rawValue, into: &json)
                    json += ",\"url\":"
                    writeJSONString(url, into: &json)
                    json += "}"
                    out.append(contentsOf: json.utf8)
                }
                parts[key] = Export.Part(range: start..<out.count, record: data, url: url)
            }
        }
        var json = first ? "{\"records\":[" : ""
        json += "\n],\"site\":{\"title\":"
        writeJSONString(config.title, into: &json)
        json += ",\"url\":"
        writeJSONString(config.baseURL, into: &json)
        json += "},\"version\":\(version)}\n"
        out.append(contentsOf: json.utf8)
        return Export(data: out, parts: parts)
    }
}

/// Text for the sitemap and the feed: escaped as in HTML, without the characters XML 1.0 does
/// not allow at all, even escaped (control characters other than tab and line breaks, U+FFFE
/// and U+FFFF): one of them would make the whole feed unreadable to a feed reader. YAML's
/// double-quoted escapes let content carry them; the loader refuses the control characters
/// (`ControlCharacters`), not the two noncharacters.
func escapeXML(_ text: String) -> String {
    func allowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
    guard !text.unicodeScalars.allSatisfy(allowed) else { return escapeHTML(text) }
    var kept = String.UnicodeScalarView()
    kept.append(contentsOf: text.unicodeScalars.filter(allowed))
    return escapeHTML(String(kept))
}
