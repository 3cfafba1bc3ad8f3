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
        let backlinks = Backlinks(catalog)
        let fits = SiteFits(catalog)
        var pages: [RenderedPage] = []
        var diagnostics: [Diagnostic] = []

        func emit<Model>(_ path: SitePath, source: String, template: String, _ build: (inout PageContext) -> Model) {
            var context = PageContext(catalog: catalog, config: config, path: path, source: source)
            let model = build(&context)
            do {
                let html = try templates.render(model, template: template)
                pages.append(RenderedPage(
                    path: path, html: html, source: source, template: template,
                    templatePath: templates.path(of: template), origins: context.origins))
            } catch {
                diagnostics += error.diagnostics
            }
        }

        emit(Route.home, source: templates.path(of: "pages/home"), template: "pages/home") { HomePage(context: &$0) }
        let comparisons = catalog.benchmarks.compactMap { catalog.comparison(for: $0) }
        for kind in RecordKind.allCases where kind != .benchmark {
            emit(Route.index(of: kind), source: templates.path(of: "pages/index"), template: "pages/index") {
                IndexPage(kind: kind, context: &$0)
            }
        }
        emit(Route.index(of: .benchmark), source: templates.path(of: "pages/benchmarks"), template: "pages/benchmarks") {
            BenchmarksPage(comparisons: comparisons, fits: fits, context: &$0)
        }
        emit(Route.methodology, source: templates.path(of: "pages/methodology"), template: "pages/methodology") {
            MethodologyPage(comparisons: comparisons, context: &$0)
        }
        for combo in catalog.combos {
            emit(Route.combo(combo.id), source: combo.path, template: "pages/combo") { ComboPage(combo: combo, fits: fits, context: &$0) }
        }
        for combo in catalog.combos {
            emit(Route.willItRun(combo.id), source: combo.path, template: "pages/will-it-run") {
                WillItRunPage(combo: combo, fits: fits, context: &$0)
            }
        }
        for device in catalog.devices {
            emit(Route.device(device.id), source: device.path, template: "pages/device") {
                DevicePage(device: device, backlinks: backlinks, fits: fits, context: &$0)
            }
        }
        for machine in catalog.machines {
            emit(Route.machine(machine.id), source: machine.path, template: "pages/machine") {
                MachinePage(machine: machine, backlinks: backlinks, context: &$0)
            }
        }
        for platform in catalog.platforms {
            emit(Route.platform(platform.id), source: platform.path, template: "pages/platform") {
                PlatformPage(platform: platform, backlinks: backlinks, context: &$0)
            }
        }
        for runtime in catalog.runtimes {
            emit(Route.runtime(runtime.id), source: runtime.path, template: "pages/runtime") { RuntimePage(runtime: runtime, context: &$0) }
        }
        for model in catalog.models {
            emit(Route.model(model.id), source: model.path, template: "pages/model") {
                ModelPage(model: model, backlinks: backlinks, fits: fits, context: &$0)
            }
        }
        for stack in catalog.stacks {
            emit(Route.stack(stack.id), source: stack.path, template: "pages/stack") { StackPage(stack: stack, context: &$0) }
        }
        for guide in catalog.guides {
            emit(Route.guide(guide.id), source: guide.path, template: "pages/guide") { GuidePage(guide: guide, context: &$0) }
        }
        emit(Route.builder, source: templates.path(of: "pages/builder"), template: "pages/builder") {
            BuilderPage(query: .defaults, fits: fits, context: &$0)
        }
        // A template mistake shows on every page of its kind; report it once.
        if !diagnostics.isEmpty { throw DiagnosticsError(Array(Set(diagnostics))) }
        return pages
    }
}
