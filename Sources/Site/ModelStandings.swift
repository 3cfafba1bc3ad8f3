import Foundation

/// How one model stands on one configuration: all a model page ranks the combos by. The page
/// lists the combos it runs on (the fastest first when the list is long), those it is too big
/// for, and charts the fastest few against context; only the combos it shows need their answers
/// worked out in full.
struct ModelStanding: Sendable, Equatable {
    /// Whether the model runs there (its 4-bit answer fits or is tight, or some quant fits);
    /// nil when there is no 4-bit answer at all (the combo is on neither list).
    let runs: Bool?
    /// The 4-bit answer's decode speed at `SiteFits.context`, in tokens per second (0: none).
    let speed: Double
    /// Where its speed-against-context curve starts, in tokens per second; nil when it does not
    /// run at the chart's first context.
    let curveFirst: Double?
}

/// Every configuration's standings, and each combo's configuration among them, for the pages
/// that rank every combo (a model page): made once per build (`ComboFits.standingsTable`).
struct StandingsTable: Sendable {
    /// Each configuration's key, sorted.
    let keys: [String]
    /// Each configuration's standings (by its place in `keys`) by the model's place in the catalog (nil: its hardware
    /// could not be made).
    let standings: [[ModelStanding]?]
    /// By each combo's place in the catalog: its configuration's place in `standings`, or -1.
    let places: [Int32]
    /// How many configurations' standings were read back from the last build's
    /// (`StoredStandings`), not worked out from their answers.
    let readBack: Int

    /// The standing of the model at `model` (its place in the catalog) on the combo at `index`
    /// (its place in the catalog).
    func standing(_ model: Int, ofComboAt index: Int) -> ModelStanding? {
        let place = Int(places[index])
        guard place >= 0, let row = standings[place], row.indices.contains(model) else { return nil }
        return row[model]
    }

    /// Every configuration's key with its standings, as `StoredStandings` keeps them.
    var entries: [(key: String, standings: [ModelStanding]?)] {
        zip(keys, standings).map { (key: $0.0, standings: $0.1) }
    }
}

/// The standings of the last build, kept beside the output (`.public.fits` for `public`), so
/// that an update rendering the model pages (a combo's title edited, a combo added) ranks the
/// combos without working out every configuration's answers again (at ten thousand combos,
/// about 6 s of CPU, half an update's render phase). Only the order and the membership of the
/// model pages' lists come from here: every number they show is worked out by this build.
///
/// The file holds a fingerprint of the `combos` binary and of every record the answers read
/// (`BuildManifest.fitInputsHash`), and the models in catalog order: when any differs, or the
/// file does not read whole and exactly, nothing in it is used. It is a cache: deleting it is
/// always safe.
enum StoredStandings {
    /// Raised when the encoding below changes.
    static let formatVersion = 1
    private static let magic = "combos-fit-standings"

    /// The file's text: a header, the models, then a line per configuration (its key, a tab,
    /// and each model's standing, or `none` when its hardware could not be made).
    static func encode(_ entries: [(key: String, standings: [ModelStanding]?)], models: [String], fingerprint: UInt64) -> Data {
        var text = "\(magic) \(formatVersion) \(String(fingerprint, radix: 16))\nmodels \(models.joined(separator: " "))\n"
        // A key that would break its line is left out: its configuration is worked out again.
        for (key, standings) in entries.sorted(by: { $0.key < $1.key }) where !key.contains(where: { $0 == "\t" || $0.isNewline }) {
            text += key
            text += "\t"
            if let standings {
                text += standings.map(encode).joined(separator: " ")
            } else {
                text += "none"
            }
            text += "\n"
        }
        return Data(text.utf8)
    }

    /// `speed/curve`, or `x/curve` when it is too big, `-/curve` when it has no 4-bit answer;
    /// `-` for no curve. Numbers are Swift's shortest text that reads back to the same Double.
    private static func encode(_ standing: ModelStanding) -> String {
        let place = standing.runs.map { $0 ? "\(standing.speed)" : "x" } ?? "-"
        return place + "/" + (standing.curveFirst.map { "\($0)" } ?? "-")
    }

    /// The standings by configuration key, when `data` is a whole file written with this
    /// `fingerprint` for these `models`; nil otherwise.
    static func decode(_ data: Data, models: [String], fingerprint: UInt64) -> [String: [ModelStanding]?]? {
        guard let text = String(data: data, encoding: .utf8), text.hasSuffix("\n") else { return nil }
        var lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == "\(magic) \(formatVersion) \(String(fingerprint, radix: 16))",
              lines.popFirst() == "models \(models.joined(separator: " "))"
        else { return nil }
        var entries: [String: [ModelStanding]?] = [:]
        entries.reserveCapacity(lines.count)
        for line in lines {
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard parts.count == 2, entries[String(parts[0])] == nil else { return nil }
            if parts[1] == "none" {
                entries[String(parts[0])] = .some(nil)
                continue
            }
            let fields = parts[1].split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == models.count else { return nil }
            var standings: [ModelStanding] = []
            standings.reserveCapacity(fields.count)
            for field in fields {
                guard let standing = decode(field) else { return nil }
                standings.append(standing)
            }
            entries[String(parts[0])] = standings
        }
        return entries
    }

    private static func decode(_ field: Substring) -> ModelStanding? {
        let halves = field.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        var curve: Double?
        if halves[1] != "-" {
            guard let value = Double(halves[1]) else { return nil }
            curve = value
        }
        switch halves[0] {
        case "-": return ModelStanding(runs: nil, speed: 0, curveFirst: curve)
        case "x": return ModelStanding(runs: false, speed: 0, curveFirst: curve)
        default:
            guard let speed = Double(halves[0]) else { return nil }
            return ModelStanding(runs: true, speed: speed, curveFirst: curve)
        }
    }
}
