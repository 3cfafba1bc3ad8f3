import Catalog
import Fit

/// A builder configuration as it lives in the query string of `/will-it-run/custom/` (a
/// contract: links to the builder are written with it, and the builder's script reads it):
///
///     ?devices=rtx-3090:2,rtx-4090:1&platform=linux&runtime=llama-cpp&context=8192
///     ?machines=mac-mini-m4-pro-64gb:3:mini,mac-studio-m3-ultra-256gb:1&link=thunderbolt-5:80:rdma:full-mesh
///
/// `devices` is one machine holding those devices; `machines` is catalog machines (count and an
/// optional name for their labels), joined by `link` (`INTERCONNECT:GBIT:TRANSPORT:SHAPE`) when
/// there are several. `runtime` is one runtime or several, comma-separated: each model and quant
/// is answered by the best of them. `kv` is the KV cache type, `context` the tokens per sequence.
struct BuilderQuery: Sendable, Equatable {
    var devices: [(id: String, count: Int)] = []
    var machines: [(id: String, count: Int, name: String?)] = []
    var link: String?
    var platform: String?
    var runtimes: [String] = []
    var context = SiteFits.context
    var kvCacheType = KVCacheType.f16

    static func == (a: BuilderQuery, b: BuilderQuery) -> Bool { a.text == b.text }

    /// The configuration a visitor sees before touching anything.
    static let defaults = BuilderQuery(devices: [("rtx-3090", 2)], platform: "linux", runtimes: [])

    /// A combo's own configuration, with the runtimes it supports.
    init?(combo: Combo, catalog: Catalog) {
        for node in combo.nodes {
            guard catalog[node.machine.id] != nil else { return nil }
            machines.append((node.machine.id.raw, node.count, node.name))
        }
        if let link = combo.link {
            let gbit = link.gbitPerSecond == link.gbitPerSecond.rounded() ? String(Int(link.gbitPerSecond)) : String(link.gbitPerSecond)
            self.link = "\(link.interconnect.rawValue):\(gbit):\(link.transport.rawValue):\(combo.topology.rawValue)"
        }
        platform = combo.platform.id.raw
        runtimes = SiteFits.runtimes(of: combo, catalog).map(\.id.raw)
    }

    init(devices: [(String, Int)] = [], platform: String? = nil, runtimes: [String] = []) {
        self.devices = devices.map { (id: $0.0, count: $0.1) }
        self.platform = platform
        self.runtimes = runtimes
    }

    /// The query string, without the "?", parameters in a fixed order.
    var text: String {
        var parts: [String] = []
        if !devices.isEmpty { parts.append("devices=" + devices.map { "\($0.id):\($0.count)" }.joined(separator: ",")) }
        if !machines.isEmpty {
            parts.append("machines=" + machines.map { "\($0.id):\($0.count)" + ($0.name.map { ":" + Self.escape($0) } ?? "") }.joined(separator: ","))
        }
        if let link { parts.append("link=" + link) }
        if let platform { parts.append("platform=" + platform) }
        if !runtimes.isEmpty { parts.append("runtime=" + runtimes.joined(separator: ",")) }
        parts.append("context=\(context)")
        if kvCacheType != .f16 { parts.append("kv=" + kvCacheType.rawValue) }
        return parts.joined(separator: "&")
    }

    /// Names are content: keep only what cannot break the query string.
    static func escape(_ name: String) -> String {
        String(name.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
            .map(Character.init))
    }

    /// The hardware this configuration describes, or why it cannot be built.
    func hardware(_ catalog: Catalog) -> Hardware? {
        guard let platformID = platform, let platform = catalog[RecordID<Platform>(platformID)] else { return nil }
        if !machines.isEmpty {
            var list: [(Machine, Int, String?)] = []
            for entry in machines {
                guard let machine = catalog[RecordID<Machine>(entry.id)] else { return nil }
                list.append((machine, entry.count, entry.name))
            }
            return Hardware(machines: list, catalog: catalog, platform: platform, link: link.flatMap { FitLink(spec: $0) })
        }
        var list: [(Device, Int)] = []
        for entry in devices {
            guard let device = catalog[RecordID<Device>(entry.id)] else { return nil }
            list.append((device, entry.count))
        }
        return list.isEmpty ? nil : Hardware(devices: list, platform: platform, hostRAMGB: nil)
    }

    /// The runtimes each answer is chosen among: those named, else every runtime that can run here.
    func runtimeRecords(_ catalog: Catalog, hardware: Hardware) -> [Runtime] {
        let named = runtimes.compactMap { catalog[RecordID<Runtime>($0)] }
        return named.isEmpty ? FitChoices.runtimes(for: hardware, in: catalog) : named
    }
}
