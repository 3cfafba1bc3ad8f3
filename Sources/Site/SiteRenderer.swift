import Catalog
import Foundation

/// One page of output: where it goes, its HTML, and where its links came from.
public struct RenderedPage: Sendable {
    public let path: SitePath
    /// The HTML as the renderer wrote it, in UTF-8. Kept as bytes: a build hashes, reads and
    /// writes them as they are, where making a `String` of every page checked 1.5 GB of UTF-8
    /// again at ten thousand combos (a thirtieth of the build). They are valid UTF-8 by
    /// construction: the templates' text, values' text, and ASCII escapes between whole characters.
    public let bytes: [UInt8]
    public var html: String { String(decoding: bytes, as: UTF8.self) }
    /// The content file the page is made from (or the template, for indexes).
    public let source: String
    public let template: String
    /// The template file, for links a template made.
    public let templatePath: String
    /// For each link in the page, the content line that produced it.
    let origins: [String: LinkOrigin]

    /// The page with its HTML dropped, for what outlives it: where it came from and its links' origins.
    var withoutHTML: RenderedPage {
        RenderedPage(path: path, bytes: [], source: source, template: template, templatePath: templatePath, origins: origins)
    }
}

extension RenderedPage {
    /// A page from its HTML as text (tests make pages this way).
    init(path: SitePath, html: String, source: String, template: String, templatePath: String, origins: [String: LinkOrigin]) {
        self.init(path: path, bytes: Array(html.utf8), source: source, template: template, templatePath: templatePath, origins: origins)
    }
}

/// Builds the view model of every page and renders it through its template.
enum SiteRenderer {
    /// Files the build writes besides pages: the builder's data and the search index.
    static func generatedFiles(_ catalog: Catalog) -> [OutputWriter.File] { generated(catalog).map { $0.made() } }

    static func generated(_ catalog: Catalog) -> [OutputWriter.Generated] {
        [OutputWriter.Generated(path: Route.builderData.outputFile) { Data(FitDataExport(catalog: catalog).script().utf8) },
         OutputWriter.Generated(path: Route.searchIndex.outputFile) { Data(SearchIndex(catalog: catalog).script().utf8) }]
    }

    static func render(_ catalog: Catalog, templates: TemplateSet, config: SiteConfig) throws(DiagnosticsError) -> [RenderedPage] {
        let collisions = ComboFacets.collisions(catalog)
        if !collisions.isEmpty { throw DiagnosticsError(collisions) }
        let fits = SiteFits(catalog)
        // Fit rows are rendered once per answer and page depth, then shared by every page showing them.
        let results = render(
            SitePages.all(catalog, templates: templates, fits: fits), catalog: catalog, templates: templates, config: config,
            fragments: FragmentCache())
        var pages: [RenderedPage] = []
        var diagnostics: [Diagnostic] = []
        for result in results {
            switch result {
            case .success(let page): pages.append(page)
            case .failure(let error): diagnostics += error.diagnostics
            }
        }
        // A template mistake shows on every page of its kind; report it once.
        if !diagnostics.isEmpty { throw DiagnosticsError(Array(Set(diagnostics))) }
        return pages
    }

    /// Renders pages on every core: each page is built from values no other page changes.
    /// The results come back in the order of `specs`, so the output does not depend on timing.
    static func render(
        _ specs: [PageSpec], catalog: Catalog, templates: TemplateSet, config: SiteConfig, fragments: FragmentCache? = nil
    ) -> [Result<RenderedPage, DiagnosticsError>] {
        let results = Slots<Result<RenderedPage, DiagnosticsError>>(count: specs.count)
        DispatchQueue.concurrentPerform(iterations: specs.count) { index in
            results.set(index, render(specs[index], catalog: catalog, templates: templates, config: config, fragments: fragments))
        }
        return results.values
    }

    /// One page: its view model built, checked against its template, rendered.
    static func render(
        _ spec: PageSpec, catalog: Catalog, templates: TemplateSet, config: SiteConfig, fragments: FragmentCache? = nil
    ) -> Result<RenderedPage, DiagnosticsError> {
        var context = PageContext(
            catalog: catalog, config: config, path: spec.path, source: spec.source, templates: templates, fragments: fragments)
        let model = spec.build(&context)
        if !context.fragmentErrors.isEmpty { return .failure(DiagnosticsError(context.fragmentErrors)) }
        do {
            let bytes = try templates.renderUTF8(model, template: spec.template)
            return .success(RenderedPage(
                path: spec.path, bytes: bytes, source: spec.source, template: spec.template,
                templatePath: templates.path(of: spec.template), origins: context.origins))
        } catch {
            return .failure(error)
        }
    }
}
