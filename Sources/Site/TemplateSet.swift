import Catalog
import Foundation
import Mustache

/// The Mustache templates under `templates/`: a base layout, partials and one template per page
/// kind, named by their path without `.mustache` (`pages/combo`, `partials/record-list`).
///
/// Each template is compiled once, here, into a `TemplateNode` tree that `TemplateRenderer`
/// renders straight from the view model. swift-mustache is kept for one thing: its parser runs
/// first, so a syntax error is reported with its own line, column and wording; its renderer,
/// which reflects on the view model at every tag, is no longer used.
///
/// Rendering checks the template against the model as it goes, so a template that names a
/// field its view model lacks, a missing partial or a missing template is a build error naming
/// the template file, line and column, never a silently empty string.
public struct TemplateSet: Sendable {
    public let directory: String
    let sources: [String: CompiledTemplate]

    /// Whether `directory` is a folder, one that templates could be loaded from.
    public static func exists(_ directory: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Loads every `.mustache` file under `directory` (the `assets/` folder is not templates).
    public static func load(from directory: String) -> Result<TemplateSet, DiagnosticsError> {
        let display = displayPath(directory)
        guard exists(directory) else {
            return .failure(DiagnosticsError([Diagnostic(
                at: SourceLocation(path: display, line: 0, column: 0),
                "no templates folder here (pass --templates DIR to use another folder)")]))
        }
        var sources: [String: CompiledTemplate] = [:]
        var diagnostics: [Diagnostic] = []
        let names = (FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []).sorted()
        for relative in names where relative.hasSuffix(".mustache") && !relative.hasPrefix("assets/") {
            let name = String(relative.dropLast(".mustache".count))
            let path = display + "/" + relative
            switch SourceFile.read(path: directory + "/" + relative, displayPath: path) {
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            case .success(let file):
                do {
                    _ = try MustacheTemplate(string: file.text)
                    let template = CompiledTemplate(name: name, file: file, nodes: try TemplateNode.parse(file.text))
                    sources[name] = template
                } catch let error as MustacheTemplate.ParserError {
                    diagnostics.append(file.diagnostic(
                        line: error.context.lineNumber, column: error.context.columnNumber,
                        "template syntax error: \(describe(error.error))"))
                } catch let error as TemplateNode.Unsupported {
                    let template = CompiledTemplate(name: name, file: file, nodes: [])
                    let (line, column) = template.location(of: error.offset)
                    diagnostics.append(file.diagnostic(line: line, column: column, "template syntax error: \(error.message)"))
                } catch {
                    diagnostics.append(file.diagnostic(line: 1, column: 1, "template syntax error: \(error)"))
                }
            }
        }
        if !diagnostics.isEmpty { return .failure(DiagnosticsError(diagnostics)) }
        return .success(TemplateSet(directory: display, sources: sources))
    }

    public var names: [String] { sources.keys.sorted() }

    public func path(of name: String) -> String { sources[name]?.file.path ?? "\(directory)/\(name).mustache" }

    /// Renders the template from the model, checking one against the other as it goes.
    public func render(_ model: Any, template name: String) throws(DiagnosticsError) -> String {
        String(decoding: try renderUTF8(model, template: name), as: UTF8.self)
    }

    /// The same, as the UTF-8 bytes the renderer wrote (for pages, which are hashed and written as bytes).
    func renderUTF8(_ model: Any, template name: String) throws(DiagnosticsError) -> [UInt8] {
        guard let template = sources[name] else {
            throw DiagnosticsError([Diagnostic(
                at: SourceLocation(path: path(of: name), line: 0, column: 0),
                "missing template \"\(name)\" (\(path(of: name)) does not exist)")])
        }
        // Reflected once here, then read by name as the template renders.
        let tree = ViewTree.make(model) ?? .other(TemplateValue.Opaque(model))
        var renderer = TemplateRenderer(templates: self)
        renderer.render(template, model: tree)
        if !renderer.diagnostics.isEmpty { throw DiagnosticsError(renderer.diagnostics) }
        return renderer.output
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case MustacheTemplate.Error.unfinishedName: "a tag is not closed with }}"
        case MustacheTemplate.Error.sectionCloseNameIncorrect: "a section is closed with the wrong name"
        case MustacheTemplate.Error.expectedSectionEnd: "a section is opened here and never closed"
        case MustacheTemplate.Error.textInsideInheritSection: "only {{$block}} overrides may appear inside {{<parent}}"
        default: "\(error)"
        }
    }
}
