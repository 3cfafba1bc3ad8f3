import Foundation
#if os(Linux)
// For `_forEachField`, the field layout `Mirror` itself reads; elsewhere every struct goes
// through `Mirror` (see `ViewKinds.fill`).
@_spi(Reflection) import Swift
#endif

/// A value as a template sees it: the renderer switches on its case, where casting an `Any` to
/// each type in turn (and copying the box) was a third of the template walk.
enum TemplateValue: @unchecked Sendable {
    case text(String)
    case html(HTML)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case list([TemplateValue])
    case node(ViewNode)
    /// Anything else (an enum, a tuple): printed with `String(describing:)`, read by `Mirror`.
    /// Boxed: an `Any` held in the enum itself made every copy of every template value go
    /// through value witnesses chosen at run time, about a fifth of the template walk.
    case other(Opaque)

    final class Opaque: @unchecked Sendable {
        let value: Any
        init(_ value: Any) { self.value = value }
    }

    /// The type the value had in the view model, as the check names it.
    var dynamicType: Any.Type {
        switch self {
        case .text: String.self
        case .html: HTML.self
        case .int: Int.self
        case .double: Double.self
        case .bool: Bool.self
        case .list: [Any].self
        case .node: ViewNode.self
        case .other(let box): type(of: box.value)
        }
    }
}

/// A view model turned into nodes the template renderer reads by name, once per page.
///
/// Reading a field of a plain struct by building a `Mirror` of it, on every tag and again for
/// every object on the context stack, was most of the build. A `ViewNode` holds a struct's field
/// values in an array instead, with the field names and declared types (HTML or text, even when
/// an optional is empty) in a `ViewShape` shared by every value of that type.
final class ViewNode: @unchecked Sendable {
    let shape: ViewShape
    /// One per field of `shape`; nil for an empty optional.
    let values: [TemplateValue?]

    init(shape: ViewShape, values: [TemplateValue?]) {
        self.shape = shape
        self.values = values
    }

    /// A field's declared type and value, by the number of its name (`FieldNames`), or nil
    /// when the type has no field of that name. An array read: hashing the name on every tag
    /// was a fortieth of a build.
    @inline(__always)
    func field(id: Int) -> (type: Any.Type, value: TemplateValue?)? {
        guard id < shape.slots.count else { return nil }
        let index = Int(shape.slots[id])
        guard index >= 0 else { return nil }
        return (shape.types[index], values[index])
    }

    var typeName: String { "\(shape.type)" }
    var fieldNames: [String] { shape.labels.sorted() }
}

/// A struct or class type's fields as a template sees them.
final class ViewShape: @unchecked Sendable {
    let type: Any.Type
    let labels: [String]
    let types: [Any.Type]
    /// For each name number (`FieldNames`), the position of the field of that name, or -1.
    /// Numbers past the end name no field: they were given out after this shape's labels.
    let slots: [Int32]

    init(type: Any.Type, labels: [String], types: [Any.Type]) {
        self.type = type
        self.labels = labels
        self.types = types
        let ids = labels.map(FieldNames.shared.id)
        var slots = [Int32](repeating: -1, count: (ids.max() ?? -1) + 1)
        for (position, id) in ids.enumerated() where slots[id] == -1 { slots[id] = Int32(position) }
        self.slots = slots
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

/// A number for every field name met, in view models or in template tags, given once and kept
/// for the process: a tag looks a field up by its name's number.
final class FieldNames: @unchecked Sendable {
    static let shared = FieldNames()
    private let lock = NSLock()
    private var ids: [String: Int] = [:]

    func id(_ name: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if let id = ids[name] { return id }
        let id = ids.count
        ids[name] = id
        return id
    }
}

/// Turns view models into `TemplateValue`s.
///
/// How to convert a value depends only on its type, so that is worked out once per type (a
/// `ViewKind`) and kept. A plain struct's fields are then read straight from its memory at the
/// offsets the runtime reports (`_forEachField`, the reflection metadata `Mirror` itself reads),
/// with no `Mirror` per value, and a struct inside a struct or an array is read where it lies,
/// not copied out into a box first. Anything else (classes, types with a custom mirror, structs
/// with a class or existential field, whose declared and dynamic types differ) goes through
/// `Mirror` as before; the result is the same either way.
enum ViewTree {
    /// The value as templates see it: structs and classes become nodes, arrays lists, optionals
    /// their content; text, numbers and HTML their own cases; anything else `.other`.
    static func make(_ value: Any) -> TemplateValue? {
        convert(value, kinds.kind(of: type(of: value)))
    }

    static func convert(_ value: Any, _ kind: ViewKind) -> TemplateValue? {
        switch kind {
        case .leaf(let leaf):
            return leaf.value(value)
        case .optional(let optional, let wrapped):
            return optional.unwrap(value).flatMap { convert($0, wrapped) }
        case .array(let array, let element):
            return .list(array.elements(of: value).compactMap { convert($0, element) })
        case .structure(let structure):
            return structure.node(of: value).map(TemplateValue.node) ?? reflect(value)
        case .reflected:
            return reflect(value)
        }
    }

    /// The general case, by `Mirror`.
    static func reflect(_ value: Any) -> TemplateValue? {
        if let leaf = Leaf.value(of: value) { return leaf }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { make($0.value) }
        case .collection, .set:
            return .list(mirror.children.compactMap { make($0.value) })
        case .struct, .class:
            let valueType = type(of: value)
            var labels: [String] = []
            var types: [Any.Type] = []
            var values: [TemplateValue?] = []
            for child in mirror.children {
                guard let label = child.label else { continue }
                labels.append(label)
                types.append(type(of: child.value))
                values.append(make(child.value))
            }
            let cached = kinds.reflectedShape(for: valueType)
            if let cached, cached.matches(labels: labels, types: types) {
                return .node(ViewNode(shape: cached, values: values))
            }
            let shape = ViewShape(type: valueType, labels: labels, types: types)
            if cached == nil { kinds.store(shape, for: valueType) }
            return .node(ViewNode(shape: shape, values: values))
        default:
            return .other(TemplateValue.Opaque(value))
        }
    }

    private static let kinds = ViewKinds()
}

/// Text, numbers and HTML, each its own case; anything else that `Mirror` does not open.
enum Leaf: Sendable {
    case text, html, bool, int, double, other

    init(_ type: Any.Type) {
        self = type == String.self ? .text : type == HTML.self ? .html : type == Bool.self ? .bool
            : type == Int.self ? .int : type == Double.self ? .double : .other
    }

    func value(_ value: Any) -> TemplateValue {
        switch self {
        case .text: .text(value as! String)
        case .html: .html(value as! HTML)
        case .bool: .bool(value as! Bool)
        case .int: .int(value as! Int)
        case .double: .double(value as! Double)
        case .other: .other(TemplateValue.Opaque(value))
        }
    }

    /// The value's own case when it is text, a number or HTML.
    static func value(of value: Any) -> TemplateValue? {
        switch value {
        case let text as String: .text(text)
        case let html as HTML: .html(html)
        case let flag as Bool: .bool(flag)
        case let number as Int: .int(number)
        case let number as Double: .double(number)
        default: nil
        }
    }

    /// Reads a field of this kind where it lies.
    func reader(at offset: Int) -> (UnsafeRawPointer) -> TemplateValue? {
        switch self {
        case .text: { .text(($0 + offset).assumingMemoryBound(to: String.self).pointee) }
        case .html: { .html(($0 + offset).assumingMemoryBound(to: HTML.self).pointee) }
        case .bool: { .bool(($0 + offset).assumingMemoryBound(to: Bool.self).pointee) }
        case .int: { .int(($0 + offset).assumingMemoryBound(to: Int.self).pointee) }
        case .double: { .double(($0 + offset).assumingMemoryBound(to: Double.self).pointee) }
        case .other: preconditionFailure("read through the type's loader")
        }
    }
}

/// How values of one type become template values.
indirect enum ViewKind: @unchecked Sendable {
    /// Text, numbers, HTML, enums: as they are.
    case leaf(Leaf)
    case optional(any ViewOptional.Type, ViewKind)
    case array(any ViewArray.Type, ViewKind)
    case structure(ViewStructure)
    case reflected
}

protocol ViewOptional {
    static var wrappedType: Any.Type { get }
    static func unwrap(_ value: Any) -> Any?
    static func read(_ pointer: UnsafeRawPointer) -> Any?
}

extension Optional: ViewOptional {
    static var wrappedType: Any.Type { Wrapped.self }
    static func unwrap(_ value: Any) -> Any? { (value as! Self).map { $0 } }
    static func read(_ pointer: UnsafeRawPointer) -> Any? { pointer.assumingMemoryBound(to: Self.self).pointee.map { $0 } }
}

protocol ViewArray {
    static var elementType: Any.Type { get }
    static func elements(of value: Any) -> [Any]
    /// The array at `pointer`, each element of a struct type read where it lies.
    static func nodes(at pointer: UnsafeRawPointer, _ structure: ViewStructure) -> [TemplateValue]
}

extension Array: ViewArray {
    static var elementType: Any.Type { Element.self }
    static func elements(of value: Any) -> [Any] { (value as! Self).map { $0 } }
    static func nodes(at pointer: UnsafeRawPointer, _ structure: ViewStructure) -> [TemplateValue] {
        pointer.assumingMemoryBound(to: Self.self).pointee.withUnsafeBufferPointer { elements in
            guard let base = elements.baseAddress else { return [] }
            return elements.indices.compactMap { structure.value(at: UnsafeRawPointer(base + $0)) }
        }
    }
}

/// A plain struct's fields: where each lies in the struct's memory and how to convert it.
final class ViewStructure: @unchecked Sendable {
    let type: Any.Type
    /// Filled in after the structure is registered, so a type that contains itself finds it.
    fileprivate(set) var shape: ViewShape?
    fileprivate(set) var readers: [(UnsafeRawPointer) -> TemplateValue?] = []
    /// Copies a value of the type out of memory, boxed: for `Mirror`, when the type needs it.
    let load: (UnsafeRawPointer) -> Any

    init(type: Any.Type, load: @escaping (UnsafeRawPointer) -> Any) {
        self.type = type
        self.load = load
    }

    /// Nil when the type turned out to need `Mirror` after all.
    func node(of value: Any) -> ViewNode? {
        guard let shape else { return nil }
        func read<T>(_ value: T) -> [TemplateValue?] {
            withUnsafeBytes(of: value) { bytes in
                guard let base = bytes.baseAddress else { return readers.map { _ in nil } }
                return readers.map { $0(base) }
            }
        }
        return ViewNode(shape: shape, values: _openExistential(value, do: read))
    }

    /// A value of the type at `pointer`, read in place.
    func value(at pointer: UnsafeRawPointer) -> TemplateValue? {
        guard let shape else { return ViewTree.reflect(load(pointer)) }
        return .node(ViewNode(shape: shape, values: readers.map { $0(pointer) }))
    }
}

/// The kind of every type met so far, shared by the threads rendering pages.
private final class ViewKinds: @unchecked Sendable {
    private let lock = NSRecursiveLock()
    private var kinds: [ObjectIdentifier: ViewKind] = [:]
    private var shapes: [ObjectIdentifier: ViewShape] = [:]

    func kind(of type: Any.Type) -> ViewKind {
        lock.lock()
        defer { lock.unlock() }
        return kindLocked(type)
    }

    func reflectedShape(for type: Any.Type) -> ViewShape? {
        lock.lock()
        defer { lock.unlock() }
        return shapes[ObjectIdentifier(type)]
    }

    func store(_ shape: ViewShape, for type: Any.Type) {
        lock.lock()
        defer { lock.unlock() }
        if shapes[ObjectIdentifier(type)] == nil { shapes[ObjectIdentifier(type)] = shape }
    }

    // Metadata kinds (swift/ABI/MetadataKind.def), stable ABI: the first word of type metadata.
    private static let structKind = 0x200, enumKind = 0x201, optionalKind = 0x202
    private static let tupleKind = 0x301, functionKind = 0x302, metatypeKind = 0x304

    private static func metadataKind(_ type: Any.Type) -> Int {
        unsafeBitCast(type, to: UnsafePointer<Int>.self).pointee
    }

    private func kindLocked(_ type: Any.Type) -> ViewKind {
        let id = ObjectIdentifier(type)
        if let kind = kinds[id] { return kind }
        let kind: ViewKind
        let metadataKind = Self.metadataKind(type)
        if type == String.self || type == HTML.self || type == Bool.self || type == Int.self || type == Double.self {
            kind = .leaf(Leaf(type))
        } else if let optional = type as? any ViewOptional.Type {
            kind = .optional(optional, kindLocked(optional.wrappedType))
        } else if let array = type as? any ViewArray.Type {
            kind = .array(array, kindLocked(array.elementType))
        } else if type is any CustomReflectable.Type {
            kind = .reflected
        } else if metadataKind == Self.enumKind || metadataKind == Self.tupleKind || metadataKind == Self.functionKind
            || metadataKind == Self.metatypeKind {
            // `Mirror` gives these no display style `make` converts: they stay as they are.
            kind = .leaf(.other)
        } else if metadataKind == Self.structKind {
            let structure = ViewStructure(type: type, load: Self.loader(type))
            kinds[id] = .structure(structure)
            if fill(structure) { return .structure(structure) }
            kind = .reflected
        } else {
            kind = .reflected
        }
        kinds[id] = kind
        return kind
    }

    /// Reads the struct's field layout; false when a field's dynamic type could differ from its
    /// declared one (a class or an existential), which `Mirror` reports per value.
    private func fill(_ structure: ViewStructure) -> Bool {
        #if os(Linux)
        var labels: [String] = []
        var types: [Any.Type] = []
        var fields: [(offset: Int, type: Any.Type)] = []
        let complete = _forEachField(of: structure.type) { name, offset, type, _ in
            labels.append(String(cString: name))
            types.append(type)
            fields.append((offset, type))
            return true
        }
        guard complete else { return false }
        for field in fields {
            let metadataKind = Self.metadataKind(field.type)
            guard [Self.structKind, Self.enumKind, Self.optionalKind, Self.tupleKind, Self.functionKind, Self.metatypeKind]
                .contains(metadataKind) else { return false }
        }
        var readers: [(UnsafeRawPointer) -> TemplateValue?] = []
        for field in fields {
            let offset = field.offset
            let kind = kindLocked(field.type)
            switch kind {
            case .leaf(let leaf) where leaf != .other:
                readers.append(leaf.reader(at: offset))
            case .structure(let inner):
                readers.append { inner.value(at: $0 + offset) }
            case .array(let array, .structure(let element)):
                readers.append { .list(array.nodes(at: $0 + offset, element)) }
            case .array(_, .leaf(.text)):
                // Element type String: the array is a [String].
                readers.append { .list(($0 + offset).assumingMemoryBound(to: [String].self).pointee.map(TemplateValue.text)) }
            case .optional(let optional, let wrapped):
                readers.append { optional.read($0 + offset).flatMap { ViewTree.convert($0, wrapped) } }
            default:
                let load = Self.loader(field.type)
                readers.append { ViewTree.convert(load($0 + offset), kind) }
            }
        }
        structure.readers = readers
        structure.shape = ViewShape(type: structure.type, labels: labels, types: types)
        return true
        #else
        return false
        #endif
    }

    /// Copies a value of the type out of memory, boxed.
    private static func loader(_ type: Any.Type) -> (UnsafeRawPointer) -> Any {
        func load<T>(_: T.Type) -> (UnsafeRawPointer) -> Any { { $0.assumingMemoryBound(to: T.self).pointee } }
        return _openExistential(type, do: load)
    }
}
