import Mustache

/// A view model turned into nodes that swift-mustache reads by name, reflected once per page.
///
/// swift-mustache finds a field of a plain struct by building a `Mirror` of it on every tag, and
/// again for every object it passes on the context stack; on a page of a hundred fit rows that
/// is most of the build. A `ViewNode` holds a struct's fields in a dictionary instead, and keeps
/// each field's declared type so the template checker can still tell HTML from text when an
/// optional is empty.
final class ViewNode: MustacheParent, @unchecked Sendable {
    /// The fields that have a value (an empty optional is absent, as with a `Mirror`).
    let fields: [String: Any]
    /// Every field's declared type, present or not.
    let types: [String: Any.Type]
    let typeName: String

    init(fields: [String: Any], types: [String: Any.Type], typeName: String) {
        self.fields = fields
        self.types = types
        self.typeName = typeName
    }

    func child(named name: String) -> Any? { fields[name] }
}

enum ViewTree {
    /// The value as templates see it: structs and classes become `ViewNode`s, arrays arrays of
    /// nodes, optionals their content; text, numbers, HTML and the like stay as they are.
    static func make(_ value: Any) -> Any? {
        if value is HTML || value is String || value is Bool || value is Int || value is Double { return value }
        if value is MustacheParent || value is MustacheCustomRenderable { return value }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { make($0.value) }
        case .collection, .set:
            return mirror.children.compactMap { make($0.value) }
        case .struct, .class:
            var fields: [String: Any] = [:]
            var types: [String: Any.Type] = [:]
            for child in mirror.children {
                guard let label = child.label else { continue }
                types[label] = type(of: child.value)
                if let converted = make(child.value) { fields[label] = converted }
            }
            return ViewNode(fields: fields, types: types, typeName: "\(type(of: value))")
        default:
            return value
        }
    }
}
