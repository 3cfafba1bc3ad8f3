import Catalog
import Foundation

/// A synthetic catalog (`combos synth`'s files) written into a fresh temporary folder and loaded
/// as `combos check` would, the folder removed afterwards.
public enum SyntheticFiles {
    public static func load(_ files: [SyntheticCatalog.File]) -> CatalogLoader.Result {
        let root = TestScratch.path("combos-synth")
        for file in files {
            let url = URL(fileURLWithPath: root + "/" + file.path)
            try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try! Data(file.text.utf8).write(to: url)
        }
        defer { try? FileManager.default.removeItem(atPath: root) }
        return CatalogLoader.load(from: root)
    }
}
