import ArgumentParser
import Catalog
import Foundation

/// `combos new <kind> <id>`: a valid record to fill in, with every field explained.
struct NewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Write a new record to fill in: every field with its meaning, placeholders marked TODO.",
        discussion: "Kinds: \(RecordKind.allCases.map(\.rawValue).joined(separator: ", ")). The record passes `combos check` as written; each TODO is reported as a warning until it is replaced."
    )

    @Argument(help: "The kind of record: device, machine, platform, runtime, model, combo, stack, guide or benchmark.")
    var kind: String

    @Argument(help: "The id: the file name and the page URL, lowercase letters, digits, '.' and '-'.")
    var id: String

    @Option(name: .long, help: "The content folder.")
    var content: String = "content"

    func validate() throws {
        guard RecordKind(rawValue: kind) != nil else {
            let hint = closestMatch(to: kind, in: RecordKind.allCases.map(\.rawValue)).map { "; did you mean \"\($0)\"?" } ?? ""
            throw ValidationError("unknown kind \"\(kind)\"\(hint) (kinds: \(RecordKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard RecordID<Device>.isValid(id) else {
            throw ValidationError("\"\(id)\" is not a valid id: use lowercase letters, digits, '.' and '-' (it becomes the page URL)")
        }
    }

    func run() throws {
        let kind = RecordKind(rawValue: kind)!
        let folder = content + "/" + kind.folder
        let path = folder + "/" + id + "." + kind.format.fileExtension
        guard !FileManager.default.fileExists(atPath: path) else {
            print("\(path) already exists; pick another id or edit that file")
            throw ExitCode(1)
        }
        let catalog = CatalogLoader.load(from: content).catalog
        let today = Day(Self.isoDate(Date())) ?? Day("2026-01-01")!
        let text = RecordTemplate.text(kind: kind, id: id, catalog: catalog, today: today)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        print("wrote \(path): fill in every TODO (combos check lists the ones left) and cite a public source for each fact")
    }

    static func isoDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}

/// `combos fields`: the field reference of every record kind, as CONTRIBUTING.md carries it.
struct FieldsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fields",
        abstract: "Print the field reference of every record kind (Markdown), from the schemas combos check uses."
    )

    func run() throws {
        print(FieldReference.markdown(), terminator: "")
    }
}
