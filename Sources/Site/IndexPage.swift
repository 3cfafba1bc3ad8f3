import Catalog

/// `/<section>/`: every record of one kind, with its one-line summary and key figures.
struct IndexPage: Sendable {
    let meta: PageMeta
    let title: String
    let intro: String
    let items: [IndexItem]
    /// The items, each rendered with `partials/record-card`.
    let cards: [HTML]

    /// The combo index's filters (nil on other indexes).
    let filters: FilterPanel?
    /// Links to the other pages of the combo index, when it has more than one.
    let pager: PagerView?

    init(kind: RecordKind, page: Pagination? = nil, fits: SiteFits, facets: ComboFacets, cards: ComboCards, context: inout PageContext) {
        title = Self.title(kind) + (page.map { $0.number > 1 ? ", page \($0.number)" : "" } ?? "")
        intro = Self.intro(kind)
        meta = context.meta(title: title, description: intro, breadcrumbs: [(Self.title(kind), nil)])
        if kind == .combo {
            let ids = facets.combos(matching: ComboFacets.Selection([]))
            let shown = page?.slice(ids) ?? ids[...]
            items = shown.compactMap { IndexItem.combo($0, cards: cards, fits: fits, facets: facets, &context) }
            filters = FilterPanel(facets: facets, current: nil, total: ids.count, &context)
        } else {
            items = Self.items(of: kind, &context)
            filters = nil
        }
        pager = page?.view(&context)
        self.cards = IndexItem.cards(items, &context)
    }

    /// Every record of a kind as a card (combos without their fit figures).
    static func items(of kind: RecordKind, _ context: inout PageContext) -> [IndexItem] {
        let catalog = context.catalog
        switch kind {
        case .combo:
            // Without fit answers: what the search index says of a combo.
            return catalog.combos.all.sorted { $0.title < $1.title }.map { combo in
                let totals = catalog.totals(of: combo)
                return IndexItem(link: context.link(combo.title, to: Route.combo(combo.id)), summary: combo.summary,
                                 figures: [ComboPage.memoryValue(totals), Format.watts(totals.powerW), ComboPage.cost(totals)],
                                 tags: ComboPage.tags(combo, totals) + (catalog[combo.platform.id].map { [$0.name] } ?? []))
            }
        case .device:
            return catalog.devices.map { device in
                IndexItem(link: context.link(device.name, to: Route.device(device.id)), summary: device.summary,
                          figures: [Format.gigabytes(device.memoryGB), Format.bandwidth(device.bandwidthGBs)]
                            + (device.powerW.map { [Format.watts($0)] } ?? []), tags: [device.vendor.label, device.kind.label])
            }
        case .machine:
            return catalog.machines.map { machine in
                IndexItem(link: context.link(machine.name, to: Route.machine(machine.id)), summary: machine.summary,
                          figures: ["\(Format.gigabytes(machine.hostRAMGB)) RAM", Format.watts(machine.powerW)]
                            + (machine.price.map { [Format.dollars($0.usd)] } ?? []), tags: [machine.formFactor.label])
            }
        case .platform:
            return catalog.platforms.map { platform in
                IndexItem(link: context.link(platform.name, to: Route.platform(platform.id)), summary: platform.summary,
                          figures: [], tags: [platform.family.label])
            }
        case .runtime:
            return catalog.runtimes.map { runtime in
                IndexItem(link: context.link(runtime.name, to: Route.runtime(runtime.id)), summary: runtime.summary,
                          figures: [], tags: runtime.platforms.map(\.label) + (runtime.multiHost.supported ? ["Multi-host"] : []))
            }
        case .model:
            return catalog.models.map { model in
                IndexItem(link: context.link(model.name, to: Route.model(model.id)), summary: model.summary,
                          figures: ["\(Format.number(model.paramsB, decimals: 1))B parameters"]
                            + (model.activeParamsB.map { ["\(Format.number($0, decimals: 1))B active"] } ?? []),
                          tags: [model.developer])
            }
        case .stack:
            return catalog.stacks.map { stack in
                IndexItem(link: context.link(stack.title, to: Route.stack(stack.id)), summary: stack.summary, figures: [], tags: [])
            }
        case .benchmark:
            return catalog.benchmarks.map { benchmark in
                let model = catalog[benchmark.model.id]?.name ?? benchmark.model.id.raw
                let runtime = catalog[benchmark.runtime.id]?.name ?? benchmark.runtime.id.raw
                let figures = [benchmark.decodeTPS.map { "\(Format.number($0, decimals: 1)) tokens/s decode" },
                               benchmark.prefillTPS.map { "\(Format.number($0, decimals: 0)) tokens/s prefill" }].compactMap { $0 }
                return IndexItem(link: LinkView(label: "\(model) \(benchmark.quant) on \(runtime)", href: benchmark.source.url),
                                 summary: benchmark.notes, figures: figures, tags: [benchmark.source.title])
            }
        case .guide:
            return catalog.guides.all.sorted { ($0.published ?? Day("1970-01-01")!) > ($1.published ?? Day("1970-01-01")!) }.map { guide in
                IndexItem(link: context.link(guide.title, to: Route.guide(guide.id)), summary: guide.summary,
                          figures: guide.published.map { [$0.longForm] } ?? [], tags: [])
            }
        }
    }

    static func title(_ kind: RecordKind) -> String {
        switch kind {
        case .combo: "Hardware combinations"
        case .device: "Hardware"
        case .machine: "Machines"
        case .platform: "Platforms"
        case .runtime: "Tools"
        case .model: "Models"
        case .stack: "Stacks"
        case .guide: "Guides"
        case .benchmark: "Benchmarks"
        }
    }

    static func intro(_ kind: RecordKind) -> String {
        switch kind {
        case .combo: "Complete builds that run local models, from one card to clusters of machines, with how each is wired and what it runs."
        case .device: "Accelerators and unified-memory chips, each at one memory size, with the figures that decide what fits and how fast."
        case .machine: "Computers as bought or built: the devices inside, system memory, ports for linking, power and price."
        case .platform: "Operating systems and the rules that decide how much memory a model may use on them."
        case .runtime: "Inference runtimes, with what they run on, how they split a model, and an operational review."
        case .model: "Open-weight models with the architecture facts that set their memory and speed, and the quantizations people run."
        case .stack: "Hardware and software layered into something you can use, with the role each part plays."
        case .guide: "Long-form guides to planning, building and running local AI hardware."
        case .benchmark: "Measured speeds from public sources, each with its configuration and where it was published."
        }
    }
}

struct IndexItem: Sendable {
    let link: LinkView
    let summary: String?
    let figures: [String]
    let tags: [String]
    /// `data-` attributes the combo filter's script reads (a facet and the values the card has).
    let data: [DataAttribute]

    init(link: LinkView, summary: String?, figures: [String], tags: [String], data: [DataAttribute] = []) {
        self.link = link
        self.summary = summary
        self.figures = figures
        self.tags = tags
        self.data = data
    }

    /// The items as `partials/record-card` renders them. A combo's card is on a dozen lists at
    /// ten thousand combos (pages of the index and of every filter it matches), a hundred cards
    /// a list: each is rendered once per page depth and reused. The key is everything the card
    /// shows, so a card that changes is rendered again, never shown stale.
    static func cards(_ items: [IndexItem], _ context: inout PageContext) -> [HTML] {
        items.map { item in
            let key = item.fragmentKey
            if let cached = context.cachedFragment("partials/record-card", key: key) { return cached }
            return context.renderFragment("partials/record-card", key: key, model: item)
        }
    }

    /// Every text the card shows, each after its length: content may hold any character, so
    /// no separator alone could keep two different cards from sharing a key.
    private var fragmentKey: String {
        var key = ""
        key.reserveCapacity(512)
        // Appended piece by piece: interpolating each piece made a string of its own first.
        func add(_ text: String) {
            key += String(text.utf8.count)
            key += ":"
            key += text
        }
        func count(_ number: Int) {
            key += "["
            key += String(number)
            key += "]"
        }
        add(link.href)
        add(link.label)
        if let summary { add(summary) } else { key += "-" }
        for list in [figures, tags] {
            count(list.count)
            list.forEach(add)
        }
        count(data.count)
        for attribute in data { add(attribute.name); add(attribute.value) }
        return key
    }

    /// A combo's card: its title and summary; total memory, what the fit engine leaves usable,
    /// power and cost; topology class, interconnect, difficulty and platform; and, for the
    /// filter, the facet values the card has. Nil for an id the catalog does not have.
    static func combo(
        _ id: RecordID<Combo>, cards: ComboCards, fits: SiteFits, facets: ComboFacets, _ context: inout PageContext
    ) -> IndexItem? {
        let catalog = context.catalog
        guard let card = cards.card(id, make: { catalog[id].map { ComboCards.Card($0, fits: fits, facets: facets, catalog: catalog) } }) else { return nil }
        return IndexItem(
            link: context.link(card.title, to: Route.combo(id)), summary: card.summary, figures: card.figures, tags: card.tags,
            data: card.data)
    }
}

extension IndexItem {
    /// The summary's first sentence, for a card a reader scans: up to the first full stop that
    /// ends a word (not "e.g." or "4.5") and is followed by a word that opens a sentence
    /// (`opensSentence`: a capital, or a name written in lowercase such as llama.cpp or vLLM).
    static func firstSentence(_ text: String) -> String {
        // ". " is found on the bytes and only what surrounds it read as scalars: every card on
        // every list page asks, and reading each summary's scalars and their properties was
        // most of a card's cost. The marks looked for are ASCII, so a byte match is a scalar one.
        let utf8 = text.utf8
        let scalars = text.unicodeScalars
        var from = utf8.startIndex
        while let dot = utf8[from...].firstIndex(of: UInt8(ascii: ".")) {
            from = utf8.index(after: dot)
            guard from < utf8.endIndex, utf8[from] == UInt8(ascii: " ") else { continue }
            let next = utf8.index(after: from)
            // After an ASCII space: a scalar starts here.
            guard next < utf8.endIndex, opensSentence(scalars, at: next) else { continue }
            var start = dot
            while start > scalars.startIndex {
                let before = scalars.index(before: start)
                if scalars[before].properties.isWhitespace { break }
                start = before
            }
            if !abbreviations.contains(String(decoding: utf8[start..<dot], as: UTF8.self)) {
                return String(decoding: utf8[...dot], as: UTF8.self)
            }
        }
        return text
    }

    /// Words a full stop ends without ending the sentence.
    private static let abbreviations: Set<String> = ["e.g", "i.e", "vs", "approx", "etc", "Dr", "No"]

    /// Whether the word at `start` can open a sentence: one that starts with a capital; a name
    /// written in lowercase that still reads as one, with a capital or a dot before a letter
    /// inside ("vLLM", "llama.cpp"; not "e.g."); or a figure with a unit ("70B", not "5" or "4.5").
    /// Any other lowercase word after a full stop is taken to follow an abbreviation.
    static func opensSentence(_ scalars: String.UnicodeScalarView, at start: String.Index) -> Bool {
        let first = scalars[start]
        if first.properties.isUppercase { return true }
        if first.properties.isWhitespace { return false }
        let isFigure = ("0"..."9").contains(first)
        var dotBeforeLetter = false
        var previous = first
        var end = scalars.index(after: start)
        while end < scalars.endIndex, !scalars[end].properties.isWhitespace {
            let scalar = scalars[end]
            if scalar.properties.isUppercase || (isFigure && scalar.properties.isAlphabetic) { return true }
            if previous == ".", scalar.properties.isAlphabetic, !isFigure { dotBeforeLetter = true }
            previous = scalar
            end = scalars.index(after: end)
        }
        guard dotBeforeLetter else { return false }
        var word = String(scalars[start..<end])
        while word.last.map({ ".,;:".contains($0) }) ?? false { word.removeLast() }
        return !abbreviations.contains(word)
    }
}

/// `data-<name>="<value>"` on an element, for a script to read.
struct DataAttribute: Sendable {
    let name: String
    let value: String
}
