import Foundation

/// A view model turned into nodes the template renderer reads by name, reflected once per page.
///
/// Reading a field of a plain struct means building a `Mirror` of it; doing that on every tag,
/// and again for every object on the context stack, was most of the build. A `ViewNode` holds a
/// struct's field values in an array instead, with the field names and declared types (HTML or
/// text, even when an optional is empty) in a `ViewShape` shared by every value of that type.
final class ViewNode: @unchecked Sendable {
    let shape: ViewShape
    /// One per field of `shape`; nil for an empty optional.
    let values: [Any?]

    init(shape: ViewShape, values: [Any?]) {
        self.shape = shape
        self.values = values
    }

    /// A field's declared type and value, or nil when the type has no field of that name.
    @inline(__always)
    func field(_ name: String) -> (type: Any.Type, value: Any?)? {
        guard let index = shape.index[name] else { return nil }
        return (shape.types[index], values[index])
    }

    var typeName: String { "\(shape.type)" }
    var fieldNames: [String] { shape.labels.sorted() }
}

/// A struct or class type's fields as a template sees them: computed from the first value of
/// the type, then shared.
final class ViewShape: @unchecked Sendable {
    let type: Any.Type
    let labels: [String]
    let types: [Any.Type]
    let index: [String: Int]

    init(type: Any.Type, labels: [String], types: [Any.Type]) {
        self.type = type
        self.labels = labels
        self.types = types
        var index: [String: Int] = [:]
        for (position, label) in labels.enumerated() where index[label] == nil { index[label] = position }
        self.index = index
    }

    /// Whether a value's fields are these (not so when a field's declared type is an
    /// existential whose content varies from value to value).
    func matches(labels: [String], types: [Any.Type]) -> Bool {
        guard labels.count == self.labels.count else { return false }
        for position in labels.indices where labels[position] != self.labels[position] || types[position] != self.types[position] {
            return false
        }
        return true
    }
}

enum ViewTree {
    /// The value as templates see it: structs and classes become `ViewNode`s, arrays `[Any]` of
    /// nodes, optionals their content; text, numbers, HTML and the like stay as they are.
    static func make(_ value: Any) -> Any? {
        if value is String || value is HTML || value is Bool || value is Int || value is Double { return value }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { make($0.value) }
        case .collection, .set:
            return mirror.children.compactMap { make($0.value) }
        case .struct, .class:
            let valueType = type(of: value)
            let cached = shapes.shape(for: valueType)
            var labels: [String] = []
            var types: [Any.Type] = []
            var values: [Any?] = []
            if let cached {
                labels.reserveCapacity(cached.labels.count)
                types.reserveCapacity(cached.labels.count)
                values.reserveCapacity(cached.labels.count)
            }
            for child in mirror.children {
                guard let label = child.label else { continue }
                labels.append(label)
                types.append(type(of: child.value))
                values.append(make(child.value))
            }
            if let cached, cached.matches(labels: labels, types: types) {
                return ViewNode(shape: cached, values: values)
            }
            let shape = ViewShape(type: valueType, labels: labels, types: types)
            if cached == nil { shapes.store(shape, for: valueType) }
            return ViewNode(shape: shape, values: values)
        default:
            return value
        }
    }

    private static let shapes = ShapeCache()

    /// Shapes by type, shared by the threads rendering pages.
    private final class ShapeCache: @unchecked Sendable {
        private let lock = NSLock()
        private var shapes: [ObjectIdentifier: ViewShape] = [:]

        func shape(for type: Any.Type) -> ViewShape? {
            lock.lock()
            defer { lock.unlock() }
            return shapes[ObjectIdentifier(type)]
        }

        func store(_ shape: ViewShape, for type: Any.Type) {
            lock.lock()
            defer { lock.unlock() }
            if shapes[ObjectIdentifier(type)] == nil { shapes[ObjectIdentifier(type)] = shape }
        }
    }
}
