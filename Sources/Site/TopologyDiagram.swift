import Catalog
import Foundation

/// The topology of a combo as an inline SVG, drawn from its records: every machine (or every
/// device, inside one box) with its chip and memory, every link labelled with its interconnect
/// and bandwidth, in the combo's shape. Sized for a phone first (about 400 units wide, scaled to
/// the column), with a title and description for screen readers.
struct TopologyDiagram {
    struct Node {
        /// First line, bold: "mini 1", "GPU 3".
        var name: String
        /// Chip and memory lines.
        var details: [String]
    }

    enum Layout {
        /// One machine; its devices (if more than one) hang off the host by labelled links.
        case singleBox(machine: String, host: [String], devices: [Node], link: [String]?)
        /// Several machines wired as a ring, a full mesh or a star.
        case network(TopologyShape, nodes: [Node], link: [String])
    }

    let title: String
    let description: String
    let layout: Layout

    // Geometry, in SVG user units.
    private static let nodeWidth = 156.0
    private static let nodeHeight = 72.0
    private static let margin = 10.0
    private static let lineHeight = 18.0

    /// The diagram for a combo, or nil when its machines did not resolve.
    static func make(for combo: Combo, in catalog: Catalog) -> TopologyDiagram? {
        let machines = combo.nodes.compactMap { node in catalog[node.machine.id].map { (node, $0) } }
        guard machines.count == combo.nodes.count, !machines.isEmpty else { return nil }

        if combo.topology == .singleBox, let (_, machine) = machines.first {
            let slots = machine.devices.compactMap { slot in catalog[slot.device.id].map { (slot, $0) } }
            var devices: [Node] = []
            for (slot, device) in slots {
                for _ in 0..<slot.count {
                    let name = machine.deviceCount > 1 ? "GPU \(devices.count + 1)" : device.shortLabel
                    devices.append(Node(name: name, details: deviceLines(device, includeChip: machine.deviceCount > 1)))
                }
            }
            let host: [String]
            if machine.deviceCount > 1 {
                host = ["Host", "\(Format.gigabytes(machine.hostRAMGB)) RAM"]
            } else {
                host = [machine.name]
            }
            let link = machine.deviceLink.map { [$0.label, Format.bandwidth($0.bandwidthGBs)] }
            let deviceSummary = slots.map { "\(Format.count($0.0.count))\($0.1.name) (\(Format.gigabytes($0.1.memoryGB)))" }
            let description = machine.deviceCount > 1
                ? "One \(machine.name) holding \(listing(deviceSummary)), each connected to the host by \(machine.deviceLink.map { "\($0.label) at \(Format.bandwidth($0.bandwidthGBs))" } ?? "its slot")."
                : "One \(machine.name) with \(listing(deviceSummary)); there are no links between machines."
            return TopologyDiagram(
                title: "Topology of \(combo.title): a single box",
                description: description,
                layout: .singleBox(machine: machine.name, host: host, devices: devices, link: link))
        }

        guard let link = combo.link else { return nil }
        var nodes: [Node] = []
        var parts: [String] = []
        for (node, machine) in machines {
            let device = machine.devices.first.flatMap { catalog[$0.device.id] }
            let base = node.name ?? machine.name
            for index in 0..<node.count {
                let name = node.count > 1 ? "\(base) \(index + 1)" : base
                var details: [String] = []
                if let device {
                    details = device.kind.sharesHostMemory
                        ? [device.shortLabel, "\(Format.gigabytes(device.memoryGB)) · \(Format.bandwidth(device.bandwidthGBs))"]
                        : ["\(Format.count(machine.deviceCount))\(device.shortLabel)", "\(Format.gigabytes(device.memoryGB * Double(machine.deviceCount))) VRAM"]
                }
                nodes.append(Node(name: name, details: details))
            }
            parts.append("\(Format.count(node.count))\(machine.name)")
        }
        let linkWords = "\(link.interconnect.label) \(link.transport.label) at \(Format.number(link.gbitPerSecond)) Gb/s"
        let wiring: String = switch combo.topology {
        case .fullMesh: "every machine cabled directly to every other"
        case .ring: "each machine cabled to its two neighbours in a ring"
        case .star: "every machine cabled to one switch"
        case .singleBox: ""
        }
        return TopologyDiagram(
            title: "Topology of \(combo.title): \(combo.topology.label.lowercased()) of \(nodes.count) machines",
            description: "\(listing(parts, conjunction: "and")), \(wiring) over \(linkWords). Machines: "
                + nodes.map { ([$0.name] + $0.details).joined(separator: ", ") }.joined(separator: "; ") + ".",
            layout: .network(combo.topology, nodes: nodes,
                             link: ["\(link.interconnect.shortLabel) \(link.transport.label)", "\(Format.number(link.gbitPerSecond)) Gb/s"]))
    }

    private static func deviceLines(_ device: Device, includeChip: Bool) -> [String] {
        let memory = "\(Format.gigabytes(device.memoryGB))\(device.kind.sharesHostMemory ? " unified" : "") · \(Format.bandwidth(device.bandwidthGBs))"
        return includeChip ? [device.shortLabel, memory] : [memory]
    }

    // MARK: Drawing

    func svg(id: String = "topology") -> HTML {
        var canvas = Canvas()
        switch layout {
        case .singleBox(let machine, let host, let devices, let link):
            drawSingleBox(&canvas, machine: machine, host: host, devices: devices, link: link)
        case .network(let shape, let nodes, let link):
            drawNetwork(&canvas, shape: shape, nodes: nodes, link: link)
        }
        let width = Int(canvas.width.rounded(.up))
        let height = Int(canvas.height.rounded(.up))
        let svg = """
            <svg class="topology" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="\(width)" height="\(height)" role="img" aria-labelledby="\(id)-title \(id)-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif"><title id="\(id)-title">\(escapeHTML(title))</title><desc id="\(id)-desc">\(escapeHTML(description))</desc>\(canvas.links)\(canvas.shapes)\(canvas.labels)</svg>
            """
        return HTML(trusted: svg)
    }

    /// Shortens text to fit a width at a font size (about 0.58 em per character in the system
    /// sans-serif), ending it with an ellipsis; the full text stays in the description and lists.
    static func fit(_ text: String, width: Double, fontSize: Double) -> String {
        let budget = max(4, Int(width / (fontSize * 0.58)))
        guard text.count > budget else { return text }
        return String(text.prefix(budget - 1)).trimmingCharacters(in: .whitespaces) + "…"
    }

    private struct Canvas {
        var links = ""
        var shapes = ""
        var labels = ""
        var width = 0.0
        var height = 0.0

        mutating func extend(_ x: Double, _ y: Double) {
            width = max(width, x)
            height = max(height, y)
        }

        mutating func box(x: Double, y: Double, width: Double, height: Double, lines: [String], className: String) {
            shapes += "<g class=\"\(className)\"><rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" rx=\"8\"/>"
            let top = y + height / 2 - Double(lines.count - 1) * TopologyDiagram.lineHeight / 2 + 5
            for (index, line) in lines.enumerated() {
                let cls = index == 0 ? "topo-name" : "topo-detail"
                let text = TopologyDiagram.fit(line, width: width - 12, fontSize: index == 0 ? 15 : 13.5)
                shapes += "<text class=\"\(cls)\" x=\"\(n(x + width / 2))\" y=\"\(n(top + Double(index) * TopologyDiagram.lineHeight))\" text-anchor=\"middle\">\(escapeHTML(text))</text>"
            }
            shapes += "</g>"
            extend(x + width + TopologyDiagram.margin, y + height + TopologyDiagram.margin)
        }

        mutating func line(from a: (Double, Double), to b: (Double, Double), label: [String], at t: Double, title: String) {
            links += "<line class=\"topo-link\" x1=\"\(n(a.0))\" y1=\"\(n(a.1))\" x2=\"\(n(b.0))\" y2=\"\(n(b.1))\"><title>\(escapeHTML(title))</title></line>"
            let x = a.0 + (b.0 - a.0) * t
            let y = a.1 + (b.1 - a.1) * t
            let top = y - Double(label.count - 1) * 15 / 2 + 5
            labels += "<text class=\"topo-link-label\" text-anchor=\"middle\">"
            for (index, part) in label.map({ TopologyDiagram.fit($0, width: 120, fontSize: 13) }).enumerated() {
                labels += "<tspan x=\"\(n(x))\" y=\"\(n(top + Double(index) * 15))\">\(escapeHTML(part))</tspan>"
            }
            labels += "</text>"
        }

        private func n(_ value: Double) -> String { String(Int(value.rounded())) }
    }

    private func drawSingleBox(_ canvas: inout Canvas, machine: String, host: [String], devices: [Node], link: [String]?) {
        let margin = Self.margin
        if devices.count <= 1 {
            // One chip in one box: the machine frame around its chip.
            let device = devices.first ?? Node(name: machine, details: [])
            canvas.shapes += "<rect class=\"topo-frame\" x=\"\(Int(margin))\" y=\"\(Int(margin))\" width=\"340\" height=\"134\" rx=\"12\"/>"
            canvas.shapes += "<text class=\"topo-frame-label\" x=\"\(Int(margin + 14))\" y=\"\(Int(margin + 22))\">\(escapeHTML(Self.fit(machine, width: 312, fontSize: 14)))</text>"
            canvas.box(x: margin + 40, y: margin + 40, width: 260, height: 76, lines: [device.name] + device.details, className: "topo-node")
            canvas.extend(340 + 2 * margin, 134 + 2 * margin)
            return
        }
        // Several devices: one row each on the left, the host on the right, a labelled link per device.
        let rowGap = 14.0
        let frameTop = margin
        let firstRow = frameTop + 34
        let deviceX = margin + 14
        let hostX = deviceX + Self.nodeWidth + 130
        let rowsHeight = Double(devices.count) * Self.nodeHeight + Double(devices.count - 1) * rowGap
        for (index, device) in devices.enumerated() {
            let y = firstRow + Double(index) * (Self.nodeHeight + rowGap)
            let middle = y + Self.nodeHeight / 2
            canvas.line(from: (deviceX + Self.nodeWidth, middle), to: (hostX, middle), label: link ?? [],
                        at: 0.5, title: "\(device.name) to host: \((link ?? []).joined(separator: ", "))")
            canvas.box(x: deviceX, y: y, width: Self.nodeWidth, height: Self.nodeHeight, lines: [device.name] + device.details, className: "topo-node")
        }
        canvas.box(x: hostX, y: firstRow, width: 110, height: rowsHeight, lines: host, className: "topo-host")
        let frameWidth = hostX + 110 + 14 - margin
        let frameHeight = firstRow + rowsHeight + 14 - frameTop
        canvas.shapes = "<rect class=\"topo-frame\" x=\"\(Int(margin))\" y=\"\(Int(frameTop))\" width=\"\(Int(frameWidth))\" height=\"\(Int(frameHeight))\" rx=\"12\"/><text class=\"topo-frame-label\" x=\"\(Int(margin + 14))\" y=\"\(Int(frameTop + 22))\">\(escapeHTML(Self.fit(machine, width: frameWidth - 28, fontSize: 14)))</text>" + canvas.shapes
        canvas.extend(margin + frameWidth + margin, frameTop + frameHeight + margin)
    }

    private func drawNetwork(_ canvas: inout Canvas, shape: TopologyShape, nodes: [Node], link: [String]) {
        let count = nodes.count
        // Nodes on a circle, first node at the top left, with room between neighbours for a
        // two-line link label (a chord of about 270 units), then moved into the margin.
        // Two machines side by side need the whole label between them, not a chord's share.
        let radius = count == 2 ? (Self.nodeWidth + 136) / 2 : 135 / sin(Double.pi / Double(count))
        let start = count == 2 ? Double.pi : -Double.pi / 2 - Double.pi / Double(count)
        var centers: [(Double, Double)] = (0..<count).map { index in
            let angle = start + 2 * Double.pi * Double(index) / Double(count)
            return (radius * cos(angle), count == 2 ? 0 : radius * 0.95 * sin(angle))
        }
        let shiftX = Self.margin + Self.nodeWidth / 2 - (centers.map(\.0).min() ?? 0)
        let shiftY = Self.margin + Self.nodeHeight / 2 - (centers.map(\.1).min() ?? 0)
        centers = centers.map { ($0.0 + shiftX, $0.1 + shiftY) }
        let centerX = shiftX
        let centerY = shiftY
        let linkTitle = link.joined(separator: ", ")
        var pairs: [(Int, Int, Double)] = []
        switch shape {
        case .fullMesh:
            for a in 0..<count {
                for b in (a + 1)..<max(a + 1, count) {
                    let adjacent = b == a + 1 || (a == 0 && b == count - 1)
                    pairs.append((a, b, adjacent ? 0.5 : 0.3))
                }
            }
        case .ring:
            for a in 0..<count where count > 2 || a == 0 { pairs.append((a, (a + 1) % count, 0.5)) }
        case .star, .singleBox:
            break
        }
        // More than six labels crowd each other (and, on a star, the switch): one caption instead.
        let labelEach = shape == .star ? count <= 6 : pairs.count <= 6
        for (a, b, t) in pairs {
            canvas.line(from: centers[a], to: centers[b], label: labelEach ? link : [], at: t,
                        title: "\(nodes[a].name) to \(nodes[b].name): \(linkTitle)")
        }
        if shape == .star {
            let hub = (centerX, centerY)
            for (index, center) in centers.enumerated() {
                canvas.line(from: center, to: hub, label: labelEach ? link : [], at: 0.45,
                            title: "\(nodes[index].name) to switch: \(linkTitle)")
            }
            canvas.box(x: hub.0 - 45, y: hub.1 - 18, width: 90, height: 36, lines: ["Switch"], className: "topo-host")
        }
        if !labelEach {
            // Below the lowest machine, where no line runs.
            let captionY = (centers.map(\.1).max() ?? centerY) + Self.nodeHeight / 2 + 24
            canvas.labels += "<text class=\"topo-link-label\" x=\"\(Int(centerX))\" y=\"\(Int(captionY))\" text-anchor=\"middle\">Every link: \(escapeHTML(link.joined(separator: " · ")))</text>"
            canvas.extend(centerX + 160, captionY + Self.margin)
        }
        for (index, node) in nodes.enumerated() {
            canvas.box(x: centers[index].0 - Self.nodeWidth / 2, y: centers[index].1 - Self.nodeHeight / 2,
                       width: Self.nodeWidth, height: Self.nodeHeight, lines: [node.name] + node.details, className: "topo-node")
        }
    }
}
