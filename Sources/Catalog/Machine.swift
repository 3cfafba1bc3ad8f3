/// A computer sold as a unit or built as a node (`content/machines/<id>.yaml`): its devices,
/// host RAM, ports, power and price.
public struct Machine: Record {
    public static let kind = RecordKind.machine

    public static let schema = Schema("machine", [
        .required("name", .text, "Product or build name: \"Mac mini (M4 Pro, 64 GB)\"."),
        .required("vendor", .text, "Who sells it, or \"Custom build\"."),
        .required("form_factor", .choice(FormFactor.vocabulary), "What kind of box it is."),
        .required("devices", .list(.record(DeviceSlot.schema), minCount: 1), "The accelerators inside, with counts."),
        .required("host_ram_gb", .number(unit: "GB", range: .positive),
                  "System RAM in GB. For unified-memory machines this is the same memory the chip uses."),
        .optional("host_ram_bandwidth_gb_s", .number(unit: "GB/s", range: .positive),
                  "System RAM bandwidth, for machines with separate system memory."),
        .optional("cpu", .text, "The CPU, for machines with a separate one."),
        .optional("device_link", .record(DeviceLink.schema),
                  "How the devices inside talk to each other (PCIe slots, an NVLink bridge)."),
        .optional("ports", .list(.record(Port.schema), minCount: 0), "Ports that can link this machine to others."),
        .required("power_w", .number(unit: "W", range: .positive), "Maximum power draw of the whole machine at the wall."),
        .optional("price", .record(Price.schema), "What this configuration costs."),
        .optional("summary", .text, "One sentence on why people buy this machine for local AI."),
        .required("sources", .list(.record(Citation.schema), minCount: 1), "Public sources for the specs."),
    ])

    public let id: RecordID<Machine>
    public let path: String
    public var name: String
    public var vendor: String
    public var formFactor: FormFactor
    public var devices: [DeviceSlot]
    public var hostRAMGB: Double
    public var hostRAMBandwidthGBs: Double?
    public var cpu: String?
    public var deviceLink: DeviceLink?
    public var ports: [Port]
    public var powerW: Double
    public var price: Price?
    public var summary: String?
    public var sources: [Citation]
    /// Where `host_ram_gb` was written, for rules that check it against the chip.
    public let hostRAMLocation: SourceLocation

    public init(id: RecordID<Machine>, path: String, fields: Fields, body: MarkdownText?, problems: inout Problems) {
        self.id = id
        self.path = path
        name = fields.text("name") ?? id.raw
        vendor = fields.text("vendor") ?? ""
        formFactor = fields.choice("form_factor") ?? .desktop
        devices = fields.records("devices").map(DeviceSlot.init)
        hostRAMGB = fields.number("host_ram_gb") ?? 0
        hostRAMBandwidthGBs = fields.number("host_ram_bandwidth_gb_s")
        cpu = fields.text("cpu")
        deviceLink = fields.record("device_link").map { DeviceLink($0, &problems) }
        ports = fields.records("ports").map(Port.init)
        powerW = fields.number("power_w") ?? 0
        price = Price(fields.record("price"))
        summary = fields.text("summary")
        sources = Citation.list(fields)
        hostRAMLocation = fields.valueLocation("host_ram_gb")

        let deviceCount = devices.reduce(0) { $0 + $1.count }
        if deviceCount > 1, deviceLink == nil, fields.has("devices"), !problems.hasErrors {
            problems.error(
                "a machine with \(deviceCount) devices needs a \"device_link\" saying how they connect (PCIe, NVLink)",
                at: fields.keyLocation("devices"), span: "devices".count)
        }
    }

    public var deviceCount: Int { devices.reduce(0) { $0 + $1.count } }

    /// How many ports of a kind the machine has.
    public func portCount(_ kind: PortKind) -> Int {
        ports.filter { $0.kind == kind }.reduce(0) { $0 + $1.count }
    }
}

/// A device inside a machine, with how many of it.
public struct DeviceSlot: Sendable, Hashable {
    public var device: Reference<Device>
    public var count: Int

    public static let schema = Schema("device slot", [
        .required("device", .reference(.device), "The device id."),
        .optional("count", .integer(min: 1), "How many (default 1)."),
    ])

    init(_ fields: Fields) {
        device = fields.reference("device") ?? Reference(RecordID(""), at: fields.location)
        count = fields.integer("count") ?? 1
    }
}

/// How the devices inside one machine are connected.
public struct DeviceLink: Sendable, Hashable {
    public var interconnect: Interconnect
    public var label: String
    public var bandwidthGBs: Double

    public static let schema = Schema("device link", [
        .required("interconnect", .choice(Interconnect.vocabulary), "pcie, nvlink, infinity-fabric..."),
        .required("label", .text,
                  "Short, as it reads on the diagram (at most \(DeviceLink.maximumLabelLength) characters): \"PCIe 4.0 x16\"."),
        .required("bandwidth_gb_s", .number(unit: "GB/s", range: .positive),
                  "Bandwidth per device per direction in GB/s."),
        .optional("note", .text, "Details that do not fit the label: slot wiring on other boards, bridges."),
    ])

    /// Diagram labels sit between boxes; longer text belongs in the note.
    public static let maximumLabelLength = 24

    public var note: String?

    init(_ fields: Fields, _ problems: inout Problems) {
        interconnect = fields.choice("interconnect") ?? .pcie
        label = fields.text("label") ?? ""
        bandwidthGBs = fields.number("bandwidth_gb_s") ?? 0
        note = fields.text("note")
        if label.count > Self.maximumLabelLength {
            problems.error(
                "\"label\" is drawn on the topology diagram and must be at most \(Self.maximumLabelLength) characters (it has \(label.count)); put the rest in \"note\"",
                at: fields.valueLocation("label"), span: label.count)
        }
    }
}

/// A group of identical ports.
public struct Port: Sendable, Hashable {
    public var kind: PortKind
    public var count: Int
    public var gbitPerSecond: Double
    public var note: String?

    public static let schema = Schema("port", [
        .required("kind", .choice(PortKind.vocabulary), "thunderbolt-5, thunderbolt-4, usb4, ethernet or qsfp."),
        .optional("count", .integer(min: 1), "How many (default 1)."),
        .required("gbit_s", .number(unit: "Gb/s", range: .positive), "Line rate in gigabits per second."),
        .optional("note", .text, "Anything that limits its use, such as a port that cannot do RDMA."),
    ])

    init(_ fields: Fields) {
        kind = fields.choice("kind") ?? .ethernet
        count = fields.integer("count") ?? 1
        gbitPerSecond = fields.number("gbit_s") ?? 0
        note = fields.text("note")
    }
}
