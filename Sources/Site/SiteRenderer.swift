import Catalog
import Foundation

/// One page of output: where it goes, its HTML, and where its links came from.
public struct RenderedPage: Sendable {
    public let path: SitePath
    public let html: String
    /// The content file the page is made from (or the template, for indexes).
    public let source: String
    public let template: String
    /// The template file, for links a template made.
    public let templatePath: String
    /// For each link in the page, the content line that produced it.
    let origins: [String: LinkOrigin]
}

/// Builds the view model of every page and renders it through its template.
enum SiteRenderer {
    /// Files the build writes besides pages: the builder's data.
    static func generatedFiles(_ catalog: Catalog) -> [OutputWriter.File] {
        [OutputWriter.File(path: Route.builderData.outputFile, contents: Data(FitDataExport(catalog: catalog).script().utf8))]
    }

    static func render(_ catalog: Catalog, templates: TemplateSet, config: SiteConfig) throws(DiagnosticsError) -> [RenderedPage] {
        let fits = SiteFits(catalog)
        var pages: [RenderedPage] = []
        var diagnostics: [Diagnostic] = []
        for spec in SitePages.all(catalog, templates: templates, fits: fits) {
            switch render(spec, catalog: catalog, templates: templates, config: config) {
            case .success(let page): pages.append(page)
            case .failure(let error): diagnostics += error.diagnostics
            }
        }
        // A template mistake shows on every page of its kind; report it once.
        if !diagnostics.isEmpty { throw DiagnosticsError(Array(Set(diagnostics))) }
        return pages
    }

    /// One page: its view model built, checked against its template, rendered.
    static func render(_ spec: PageSpec, catalog: Catalog, templates: TemplateSet, config: SiteConfig) -> Result<RenderedPage, DiagnosticsError> {
        var context = PageContext(catalog: catalog, config: config, path: spec.path, source: spec.source)
        let model = spec.build(&context)
        do {
            let html = try templates.render(model, template: spec.template)
            return .success(RenderedPage(
                path: spec.path, html: html, source: spec.source, template: spec.template,
                templatePath: templates.path(of: spec.template), origins: context.origins))
        } catch {
            return .failure(error)
        }
    }
}
