// libyaml's event parser, which Yams vendors as its CYaml module (the same C code Yams composes
// nodes with, so the two always agree on what a text means). Yams does not expose events, and
// composing is where untrusted YAML can cost the most: Yams hashes every mapping key to find
// duplicates, so a key that is an alias of an alias of ... (billion laughs) takes forever, and a
// duplicate key comes back as a string without its place. This pass reads events only, never
// builds nodes, and stops at the first syntax error (composing reports that one).
internal import CYaml

struct YAMLEvents {
    struct Problem: Equatable {
        enum Kind: Equatable {
            /// `*name`: an alias, which records do not support.
            case alias(name: String)
            /// A list, a mapping or an alias written where a field name goes ("a list").
            case complexKey(found: String)
            /// A key written before in the same mapping, first at `firstLine`.
            case duplicateKey(key: String, firstLine: Int)
        }

        var kind: Kind
        /// libyaml's 1-based line and column (columns in characters).
        var line: Int
        var column: Int
    }

    var problems: [Problem] = []
    /// Problems of each kind past `limit` are counted, not kept; the first of them is kept here.
    var omitted = 0
    var firstOmitted: Problem?

    /// Whether a text can hold what `scan` looks for: an alias needs `*`, a list or mapping used as
    /// a key needs `?` or a `]` or `}` followed by `:`. Most records have neither, and skip the scan.
    static func mayNeedScan(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "*"), UInt8(ascii: "?"):
                    return true
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    var next = index + 1
                    while next < bytes.count, bytes[next] == UInt8(ascii: " ") || bytes[next] == UInt8(ascii: "\t") { next += 1 }
                    if next < bytes.count, bytes[next] == UInt8(ascii: ":") { return true }
                default:
                    break
                }
                index += 1
            }
            return false
        }
    }

    /// Reads `yaml`'s events and collects aliases, lists or mappings used as keys, and keys
    /// repeated in one mapping, in the order they are written; at most `limit` of each kind.
    static func scan(_ yaml: String, limit: Int = 10) -> YAMLEvents {
        _ = limitNesting
        var result = YAMLEvents()
        var bytes = Array(yaml.utf8)
        guard !bytes.isEmpty else { return result }
        bytes.append(0)
        var counts: [Int] = [0, 0, 0]

        // One entry per open list or mapping: for a mapping, whether the next node is a key, and
        // the keys seen so far with their lines (kept apart so they are updated in place).
        var isMapping: [Bool] = []
        var expectsKey: [Bool] = []
        var keys: [[String: Int]] = []

        func add(_ kind: Problem.Kind, _ mark: yaml_mark_t, index: Int) {
            counts[index] += 1
            let problem = Problem(kind: kind, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
            if counts[index] > limit {
                result.omitted += 1
                if result.firstOmitted == nil { result.firstOmitted = problem }
            } else {
                result.problems.append(problem)
            }
        }

        bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let type = event.type
                if type == YAML_STREAM_END_EVENT { break }
                let isNode = type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT
                    || type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT
                var isKey = false
                if isNode, let top = isMapping.indices.last, isMapping[top] {
                    isKey = expectsKey[top]
                    if isKey {
                        if type == YAML_SCALAR_EVENT {
                            let key = String(decoding: UnsafeBufferPointer(start: event.data.scalar.value, count: event.data.scalar.length), as: UTF8.self)
                            if let first = keys[top][key] {
                                add(.duplicateKey(key: key, firstLine: first), event.start_mark, index: 2)
                            } else {
                                keys[top][key] = Int(event.start_mark.line) + 1
                            }
                        } else {
                            // An alias key may stand for a whole list or mapping, as costly to hash.
                            let found = type == YAML_SEQUENCE_START_EVENT ? "a list"
                                : type == YAML_MAPPING_START_EVENT ? "a mapping" : "an alias (*\(aliasName(event)))"
                            add(.complexKey(found: found), event.start_mark, index: 1)
                        }
                    }
                    expectsKey[top].toggle()
                }
                if type == YAML_ALIAS_EVENT {
                    if !isKey { add(.alias(name: aliasName(event)), event.start_mark, index: 0) }
                } else if type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT {
                    isMapping.append(type == YAML_MAPPING_START_EVENT)
                    expectsKey.append(true)
                    keys.append([:])
                } else if type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT {
                    isMapping.removeLast()
                    expectsKey.removeLast()
                    keys.removeLast()
                }
            }
        }
        return result
    }

    private static func aliasName(_ event: yaml_event_t) -> String {
        event.data.alias.anchor.map { String(cString: $0) } ?? ""
    }

    /// How deep lists and mappings may nest. libyaml's default is 1000, and Yams composes
    /// recursively, a few stack frames a level: records need five or so, and 100 keeps a hostile
    /// file far from the stack limit of any thread (512 KB on macOS's secondary threads).
    static let nestingLimit = 100

    /// Sets libyaml's nesting limit (a process-wide setting) once, before the first parse.
    static let limitNesting: Void = { yaml_set_max_nest_level(Int32(nestingLimit)) }()
}
