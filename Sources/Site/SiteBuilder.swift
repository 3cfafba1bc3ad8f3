import Catalog
import Foundation

/// `combos build`: a fixed list of named, timed phases. Load and check the catalog, load the
/// templates, render every page, check every link, then write and swap the output. Any error
/// stops the build before the output is touched.
public enum SiteBuilder {
    public struct Options: Sendable {
        public var content: String
        public var templates: String
        public var output: String
        public var config: SiteConfig

        public init(content: String = "content", templates: String = "templates", output: String = "public",
                    baseURL: String = "http://localhost:8080/") {
            self.content = content
            self.templates = templates
            self.output = output
            self.config = SiteConfig(baseURL: baseURL)
        }
    }

    public struct Report: Sendable {
        public var catalogSummary: String
        public var pages: Int
        public var assets: Int
        public var warnings: [Diagnostic]
        /// Each phase with how long it took.
        public var phases: [(name: String, duration: Duration)]
    }

    /// Everything but writing: the catalog, the templates, every page and every link checked.
    /// `combos check` runs this, so an editor sees a broken link before building.
    public static func check(_ options: Options) throws(DiagnosticsError) -> Report {
        try run(options, write: false)
    }

    public static func build(_ options: Options) throws(DiagnosticsError) -> Report {
        try run(options, write: true)
    }

    private static func run(_ options: Options, write: Bool) throws(DiagnosticsError) -> Report {
        var phases: [(String, Duration)] = []
        let clock = ContinuousClock()
        func timed<T>(_ name: String, _ work: () throws(DiagnosticsError) -> T) throws(DiagnosticsError) -> T {
            let start = clock.now
            let result = try work()
            phases.append((name, clock.now - start))
            return result
        }

        let loaded = try timed("load and check content") { () throws(DiagnosticsError) -> CatalogLoader.Result in
            let result = CatalogLoader.load(from: options.content)
            if result.diagnostics.hasErrors { throw DiagnosticsError(result.diagnostics) }
            return result
        }
        let templates = try timed("load templates") { () throws(DiagnosticsError) -> TemplateSet in
            try TemplateSet.load(from: options.templates).get()
        }
        let pages = try timed("render pages") { () throws(DiagnosticsError) -> [RenderedPage] in
            try SiteRenderer.render(loaded.catalog, templates: templates, config: options.config)
        }
        let generated = try timed("export data") { () throws(DiagnosticsError) -> [OutputWriter.File] in
            SiteRenderer.generatedFiles(loaded.catalog) + SitePlumbing.files(loaded.catalog, pages: pages.map(\.path), config: options.config)
        }
        let assetsDirectory = options.templates + "/assets"
        let hasAssets = FileManager.default.fileExists(atPath: assetsDirectory)
        try timed("check links") { () throws(DiagnosticsError) in
            let assets = Set(hasAssets ? OutputWriter.assetPaths(in: assetsDirectory) : []).union(generated.map(\.path))
            let problems = LinkChecker.check(pages, assets: assets, files: loaded.files, siteURL: options.config.baseURL)
            if !problems.isEmpty { throw DiagnosticsError(problems) }
        }
        var stats = OutputWriter.Stats(pages: pages.count, assets: 0)
        if write {
            stats = try timed("write output") { () throws(DiagnosticsError) -> OutputWriter.Stats in
                let files = pages.map { OutputWriter.File(path: $0.path.outputFile, contents: Data($0.html.utf8)) } + generated
                return try OutputWriter.write(files, assetsFrom: hasAssets ? assetsDirectory : nil, to: options.output)
            }
        }
        return Report(
            catalogSummary: loaded.catalog.summary, pages: stats.pages, assets: stats.assets,
            warnings: loaded.diagnostics.warnings, phases: phases)
    }
}
