import Catalog
import FixtureSupport
import Foundation
import Testing
@testable import Fit

/// The engine against public measurements it was not told (`Calibration/`): every row it can
/// express with the shipped catalog, predicted and compared. The bars are the issue's: decode
/// median error ≤ 10% and no row above 30% on the single-device scoreboards; GGUF sizes from
/// typical bits per weight within 3% median.
@Suite("Calibration against public measurements")
struct CalibrationTests {
    static let folder = FixtureSite.packageRoot + "/Tests/FitTests/Calibration"
    let catalog = CatalogLoader.load(from: FixtureSite.packageRoot + "/content").catalog

    struct DecodeRow {
        var source: String
        var hardware: String
        var device: String
        var backend: Backend
        var model: String
        var quant: String
        var depth: Int
        var generated: Int
        var measured: Double
        var build: Int?
        var predicted = 0.0
        var error: Double { (predicted - measured) / measured }
    }

    // MARK: Decode

    @Test("decode tokens/s: median error ≤ 10%, no row above 30%")
    func decode() throws {
        var rows = try scoreboardRows() + appleRows() + sparkDepthRows()
        rows = newestBuildOnly(rows)
        var skipped: [String] = []
        for index in rows.indices {
            guard let predicted = predict(rows[index]) else {
                skipped.append("\(rows[index].hardware) \(rows[index].model) \(rows[index].quant)")
                continue
            }
            rows[index].predicted = predicted
        }
        rows = rows.filter { $0.predicted > 0 }
        print(report(rows))
        if !skipped.isEmpty { print("could not predict: \(skipped.joined(separator: "; "))") }
        let errors = rows.map { abs($0.error) }.sorted()
        let median = errors[errors.count / 2]
        let worst = rows.max { abs($0.error) < abs($1.error) }!
        print(String(format: "%d rows: median absolute error %.1f%%, worst %.1f%% (%@ %@ %@ at depth %d)",
                     rows.count, median * 100, abs(worst.error) * 100, worst.hardware, worst.model, worst.quant, worst.depth))
        #expect(rows.count >= 100, "the calibration should express most scoreboard rows")
        #expect(median <= 0.10)
        #expect(abs(worst.error) <= 0.30)
    }

    func predict(_ row: DecodeRow) -> Double? {
        guard let device = catalog[RecordID<Device>(row.device)], let model = catalog[RecordID<Model>(row.model)],
              let quant = model.quant(named: row.quant), let runtime = catalog[RecordID<Runtime>("llama-cpp")],
              let platform = catalog.platforms.first(where: { $0.family == (device.vendor == .apple ? .macos : .linux) })
        else { return nil }
        let hardware = Hardware(devices: [(device, 1)], platform: platform, hostRAMGB: nil)
        // llama-bench times generation starting at the depth; the estimate at the middle of it.
        let request = FitRequest(
            model: model, quant: quant, runtime: runtime, contextTokens: max(1, row.depth + row.generated / 2),
            promptTokens: 512, backend: row.backend)
        return FitEngine.evaluate(request, on: hardware).decode?.atFullContext
    }

    func scoreboardRows() throws -> [DecodeRow] {
        let hardware = try Dictionary(uniqueKeysWithValues: CSV.read(Self.folder + "/hardware-map.csv").map { ($0["hardware"]!, $0["device"]!) })
        let models = try CSV.read(Self.folder + "/model-map.csv")
        let exclusions = try CSV.read(Self.folder + "/exclusions.csv")
        var rows: [DecodeRow] = []
        for row in try CSV.read(Self.folder + "/secondary_compilation_llamacpp_scoreboards.csv") {
            if let excluded = exclusions.first(where: { $0["hardware"] == row["hardware"] && $0["model"] == row["model"] }) {
                print("not expressed: \(row["hardware"]!) \(row["model"]!): \(excluded["reason"]!)")
                continue
            }
            guard let device = hardware[row["hardware"]!], !device.isEmpty,
                  let model = models.first(where: { $0["model"] == row["model"] && $0["quant"] == row["quant"] }),
                  let catalogModel = model["catalog_model"], !catalogModel.isEmpty,
                  let backend = Self.backend(row["backend"]!), let measured = Double(row["tg_tps"] ?? ""),
                  let test = row["tg_test"] else { continue }
            let (generated, depth) = Self.parseTest(test)
            rows.append(DecodeRow(
                source: row["original_source_url"]!, hardware: row["hardware"]!, device: device, backend: backend,
                model: catalogModel, quant: model["catalog_quant"]!, depth: depth, generated: generated, measured: measured,
                build: Self.build(row["llamacpp_build"] ?? "")))
        }
        return rows
    }

    /// The Apple silicon table: one row per chip variant and quant, on any memory size of it.
    func appleRows() throws -> [DecodeRow] {
        var rows: [DecodeRow] = []
        for row in try CSV.read(Self.folder + "/llamacpp_disc4167_apple_silicon_llama2_7b.csv") {
            let chip = row["chip"]!
            let cores = Int(row["gpu_cores"]!)!
            guard let device = catalog.devices.first(where: { $0.chip == chip && $0.gpuCores == cores }) else { continue }
            for (column, quant) in [("q4_0", "Q4_0"), ("q8_0", "Q8_0"), ("f16", "F16")] {
                guard let measured = Double(row["\(column)_tg128_tps"] ?? "") else { continue }
                rows.append(DecodeRow(
                    source: "llama.cpp discussion 4167", hardware: "\(chip) \(cores)-core GPU", device: device.id.raw,
                    backend: .metal, model: "llama-2-7b", quant: quant, depth: 0, generated: 128, measured: measured, build: nil))
            }
        }
        return rows
    }

    /// DGX Spark at growing context depth: how decode slows as the KV cache fills.
    func sparkDepthRows() throws -> [DecodeRow] {
        let models = try CSV.read(Self.folder + "/model-map.csv")
        var rows: [DecodeRow] = []
        for row in try CSV.read(Self.folder + "/llamacpp_benches_dgx_spark_llamabench.csv") where row["test_kind"] == "tg" {
            guard let model = models.first(where: { $0["model"]?.lowercased() == row["model"]?.lowercased() && $0["quant"] == row["quant"] }),
                  let catalogModel = model["catalog_model"], !catalogModel.isEmpty,
                  let measured = Double(row["tps_mean"]!), let depth = Int(row["context_depth"]!), let generated = Int(row["n_tokens"]!)
            else { continue }
            rows.append(DecodeRow(
                source: "llama.cpp benches/dgx-spark.md", hardware: "DGX Spark (GB10)", device: "nvidia-gb10-128gb", backend: .cuda,
                model: catalogModel, quant: model["catalog_quant"]!, depth: depth, generated: generated, measured: measured, build: 6918))
        }
        return rows
    }

    /// When two rows measure the same thing with different llama.cpp builds, keep the newer.
    func newestBuildOnly(_ rows: [DecodeRow]) -> [DecodeRow] {
        rows.filter { row in
            guard let build = row.build else { return true }
            return !rows.contains {
                $0.device == row.device && $0.backend == row.backend && $0.model == row.model && $0.quant == row.quant
                    && $0.depth == row.depth && $0.generated == row.generated && ($0.build ?? 0) > build
            }
        }
    }

    static func backend(_ text: String) -> Backend? {
        if text.hasPrefix("CUDA") { return .cuda }
        if text.hasPrefix("Vulkan") { return .vulkan }
        if text.hasPrefix("HIP") || text.hasPrefix("ROCm") { return .rocm }
        if text.hasPrefix("Metal") { return .metal }
        return nil
    }

    /// "tg128" → (128, 0); "tg32 @ d4096" → (32, 4096).
    static func parseTest(_ test: String) -> (Int, Int) {
        let parts = test.components(separatedBy: " @ d")
        let generated = Int(parts[0].drop { !$0.isNumber }) ?? 128
        let depth = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        return (generated, depth)
    }

    /// "b6761" or "7941" → the build number; commit hashes have none.
    static func build(_ text: String) -> Int? {
        let digits = text.hasPrefix("b") ? String(text.dropFirst()) : text
        return digits.allSatisfy(\.isNumber) && !digits.isEmpty ? Int(digits) : nil
    }

    func report(_ rows: [DecodeRow]) -> String {
        var lines = ["measured  predicted   error  hardware / model / quant / backend / depth"]
        for row in rows.sorted(by: { abs($0.error) > abs($1.error) }) {
            lines.append(String(format: "%8.1f  %9.1f  %+5.1f%%  %@ / %@ / %@ / %@ / %d",
                                row.measured, row.predicted, row.error * 100, row.hardware, row.model, row.quant,
                                row.backend.rawValue, row.depth))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: File sizes

    @Test("GGUF sizes from parameters × typical bits per weight: median error ≤ 3%")
    func ggufSizes() throws {
        var errors: [Double] = []
        var lines: [String] = []
        for row in try CSV.read(Self.folder + "/gguf_file_sizes.csv") {
            guard let bits = TypicalBitsPerWeight.bits(for: row["quant"]!), let params = Double(row["params_b"]!),
                  let size = Double(row["file_size"]!) else { continue }
            let real = row["size_unit"] == "GiB" ? size * FitConstants.gibibyte / 1e9 : size
            let estimate = params * bits / 8
            let error = (estimate - real) / real
            errors.append(abs(error))
            lines.append(String(format: "%-32@ %-7@ real %7.2f GB  estimate %7.2f GB  %+5.1f%%", row["model"]!, row["quant"]!, real, estimate, error * 100))
        }
        print(lines.joined(separator: "\n"))
        errors.sort()
        let median = errors[errors.count / 2]
        print(String(format: "%d GGUF sizes: median absolute error %.1f%%", errors.count, median * 100))
        #expect(errors.count >= 40)
        #expect(median <= 0.03)
    }

    // MARK: Memory

    @Test("KV cache sizes match llama.cpp's logs and Hugging Face's table")
    func kvCache() throws {
        let cases: [(String, Int, Double)] = [
            // llama.cpp log, Llama 3.1 8B at n_ctx 131072, f16: KV 16384 MiB (memory_measurements.csv).
            ("llama-3.1-8b", 131_072, 16_384 / 1024),
            // Hugging Face's Llama 3.1 blog table, in GiB: 1k = 1,024 tokens, 16k = 16,000, 128k = 128,000.
            ("llama-3.1-8b", 1_024, 0.125), ("llama-3.1-8b", 16_000, 1.95), ("llama-3.1-8b", 128_000, 15.62),
            ("llama-3.1-70b", 1_024, 0.313), ("llama-3.1-70b", 16_000, 4.88), ("llama-3.1-70b", 128_000, 39.06),
            // The table's 405B rows are twice what its config gives (126 layers × 8 KV heads × 128 ×
            // 2 × 2 bytes = 504 KiB a token, as catalog-facts.md also has): left out as an error of the table.
        ]
        for (id, tokens, expectedGiB) in cases {
            let model = try #require(catalog[RecordID<Model>(id)])
            let footprint = ModelFootprint(model: model, quant: model.quants[0], kvCacheType: .f16)
            let gib = footprint.kvBytesPerLayer(tokens: tokens, ubatch: 512) * Double(model.layers) / FitConstants.gibibyte
            #expect(abs(gib - expectedGiB) / expectedGiB < 0.02, "\(id) at \(tokens) tokens: \(gib) GiB, expected \(expectedGiB)")
        }
    }

    @Test("without flash attention the compute buffer holds a ubatch of attention scores (llama.cpp log: 8480 MiB)")
    func computeBufferWithoutFlashAttention() throws {
        let model = try #require(catalog[RecordID<Model>("llama-3.1-8b")])
        var runtime = try #require(catalog[RecordID<Runtime>("llama-cpp")])
        runtime.fit.flashAttention = false
        let device = try #require(catalog[RecordID<Device>("rtx-pro-6000-blackwell")])
        let platform = try #require(catalog[RecordID<Platform>("linux")])
        let result = FitEngine.evaluate(
            FitRequest(model: model, quant: try #require(model.quant(named: "Q4_K_M")), runtime: runtime, contextTokens: 131_072),
            on: Hardware(devices: [(device, 1)], platform: platform, hostRAMGB: 128))
        let buffers = try #require(result.ledger.first { !$0.isHostRAM }).bufferBytes / 1_048_576
        #expect(abs(buffers - 8480) / 8480 < 0.05, "compute buffer \(buffers) MiB")
    }
}

/// A small CSV reader: a header row, commas, double-quoted fields with "" escapes.
enum CSV {
    static func read(_ path: String) throws -> [[String: String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar?
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else { quoted = false }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                quoted = true
            } else if scalar == "," {
                record.append(field)
                field = ""
            } else if scalar == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else if scalar != "\r" {
                field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        guard let header = records.first else { return [] }
        return records.dropFirst().filter { $0.count > 1 }.map { values in
            var row: [String: String] = [:]
            for (index, name) in header.enumerated() { row[name] = index < values.count ? values[index] : "" }
            return row
        }
    }
}
