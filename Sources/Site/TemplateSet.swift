import Catalog
import Foundation
import Mustache

/// The Mustache templates under `templates/`: a base layout, partials and one template per page
/// kind, named by their path without `.mustache` (`pages/combo`, `partials/record-list`).
///
/// Rendering goes through `TemplateChecker` first, so a template that names a field its view
/// model lacks, a missing partial or a missing template is a build error naming the template
/// file, line and column, never a silently empty string.
public struct TemplateSet: Sendable {
    public let directory: String
    let library: MustacheLibrary
    let sources: [String: TemplateSource]

    struct TemplateSource: Sendable {
        let file: SourceFile
        let nodes: [TemplateNode]
        var path: String { file.path }
    }

    /// Loads every `.mustache` file under `directory` (the `assets/` folder is not templates).
    public static func load(from directory: String) -> Result<TemplateSet, DiagnosticsError> {
        let display = displayPath(directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .failure(DiagnosticsError([Diagnostic(
                at: SourceLocation(path: display, line: 0, column: 0),
                "no templates folder here (pass --templates DIR to use another folder)")]))
        }
        var templates: [String: MustacheTemplate] = [:]
        var sources: [String: TemplateSource] = [:]
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
                    templates[name] = try MustacheTemplate(string: file.text)
                    sources[name] = TemplateSource(file: file, nodes: TemplateNode.parse(file.text))
                } catch let error as MustacheTemplate.ParserError {
                    diagnostics.append(file.diagnostic(
                        line: error.context.lineNumber, column: error.context.columnNumber,
                        "template syntax error: \(describe(error.error))"))
                } catch {
                    diagnostics.append(file.diagnostic(line: 1, column: 1, "template syntax error: \(error)"))
                }
            }
        }
        if !diagnostics.isEmpty { return .failure(DiagnosticsError(diagnostics)) }
        return .success(TemplateSet(directory: display, library: MustacheLibrary(templates: templates), sources: sources))
    }

    public var names: [String] { sources.keys.sorted() }

    public func path(of name: String) -> String { sources[name]?.path ?? "\(directory)/\(name).mustache" }

    /// Checks the template against the model, then renders it.
    public func render(_ model: Any, template name: String) throws(DiagnosticsError) -> String {
        // Reflected once here, then read by name by the checker and the renderer alike.
        let tree = ViewTree.make(model) ?? model
        var checker = TemplateChecker(templates: self)
        checker.check(template: name, model: tree)
        if !checker.diagnostics.isEmpty { throw DiagnosticsError(checker.diagnostics) }
        guard let output = library.render(tree, withTemplate: name) else {
            throw DiagnosticsError([Diagnostic(
                at: SourceLocation(path: path(of: name), line: 0, column: 0), "missing template \"\(name)\"")])
        }
        return output
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
