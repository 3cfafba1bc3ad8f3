import Catalog

/// The "See also" block of every record page, computed rather than written: records that name
/// the same devices, machines, runtimes or models as this one (a combo's machines stand for their
/// devices too), and records that name this one or that it names. Editorial `related` lists stay
/// as their authors wrote them; this block finds what they left out.
struct RelatedRecords: Sendable {
    struct Node: Hashable, Sendable {
        let kind: RecordKind
        let id: String
    }

    /// Kinds whose sharing makes two records related, with what one shared record is worth:
    /// the same card or machine says more than the same runtime or model.
    static let sharedWeights: [RecordKind: Int] = [.device: 3, .machine: 3, .runtime: 1, .model: 1]
    static var sharedKinds: Set<RecordKind> { Set(sharedWeights.keys) }
    /// Naming more records of a kind than this is a survey, not a pointer (a combo's verdict on
    /// every runtime): such names neither link two records nor count as shared.
    static let pointedMaximum = 5
    /// Kinds shown in the block, in the order of its groups.
    static let shownKinds: [RecordKind] = [.combo, .stack, .guide, .machine, .device, .runtime, .model, .platform]
    /// Links per page: enough to lead somewhere, few enough to read.
    static let limit = 8

    /// Every record, numbered: the ranking below runs over integers, not hashed names, since
    /// it visits every pair of records that share a device, machine, runtime or model.
    private var nodes: [Node] = []
    private var index: [Node: Int] = [:]
    /// What each record names (by number), with machines expanded into their devices.
    private var names: [Set<Int>] = []
    /// Who names each record.
    private var namedBy: [[Int]] = []
    /// Each record's kinds that it names few enough of to mean something (see `pointedMaximum`),
    /// as bits by `RecordKind.allCases` index: the ranking asks this for every pair.
    private var pointedKinds: [UInt32] = []
    /// Each record's kind, as its `RecordKind.allCases` index.
    private var kindIndex: [Int] = []
    /// Each record's place when records are ordered by shown kind, then id (the ranking's tie
    /// break, compared as one integer), or -1 for a kind the block does not show.
    private var rank: [Int32] = []
    /// What sharing a record of each kind is worth, by kind index (0: sharing it means nothing).
    private static let weightByKind: [Int] = RecordKind.allCases.map { sharedWeights[$0] ?? 0 }
    /// Every shown record's block, worked out once: a page asks for it twice (its dependencies
    /// when the page list is made, its links when it renders).
    private var relatedByNode: [Node: [Node]] = [:]
    /// Whether `rankedByCloseShares` may answer; off only to hold it to the full ranking in tests.
    private let shortcut: Bool

    init(_ catalog: Catalog, shortcut: Bool = true) {
        self.shortcut = shortcut
        var targetsByNode: [Set<Node>] = []
        for kind in RecordKind.allCases {
            for id in catalog.ids(of: kind) {
                let node = Node(kind: kind, id: id)
                var targets: Set<Node> = []
                for reference in catalog.references(of: kind, id: id) where reference.id != id || reference.kind != kind {
                    targets.insert(Node(kind: reference.kind, id: reference.id))
                    if reference.kind == .machine {
                        for device in catalog.references(of: .machine, id: reference.id) where device.kind == .device {
                            targets.insert(Node(kind: .device, id: device.id))
                        }
                    }
                }
                index[node] = nodes.count
                nodes.append(node)
                targetsByNode.append(targets)
            }
        }
        namedBy = Array(repeating: [], count: nodes.count)
        for (number, targets) in targetsByNode.enumerated() {
            // A reference to a record that does not exist is reported by the loader, not ranked.
            let numbers = Set(targets.compactMap { index[$0] })
            names.append(numbers)
            for target in numbers.sorted() { namedBy[target].append(number) }
            var perKind: [RecordKind: Int] = [:]
            for target in targets { perKind[target.kind, default: 0] += 1 }
            var mask: UInt32 = 0
            for (bit, kind) in RecordKind.allCases.enumerated() where (perKind[kind] ?? 0) <= Self.pointedMaximum { mask |= 1 << bit }
            pointedKinds.append(mask)
            kindIndex.append(RecordKind.allCases.firstIndex(of: nodes[number].kind) ?? 0)
        }
        let shown = (0..<nodes.count).filter { Self.shownKinds.contains(nodes[$0].kind) }
        let order = Self.kindOrder
        rank = Array(repeating: -1, count: nodes.count)
        let byOrder = shown.sorted { a, b in
            let (x, y) = (nodes[a], nodes[b])
            if x.kind != y.kind { return order[x.kind]! < order[y.kind]! }
            return x.id < y.id
        }
        for (place, number) in byOrder.enumerated() { rank[number] = Int32(place) }
        // Ranked on every core, a slice of records per worker with one scratch array of scores.
        let slices = stride(from: 0, to: shown.count, by: 256).map { Array(shown[$0..<min($0 + 256, shown.count)]) }
        let this = self
        let ranked = Parallel.map(slices) { slice -> [[Node]] in
            var scores = [Int](repeating: 0, count: this.nodes.count)
            return slice.map { this.ranked($0, scores: &scores) }
        }
        for (slice, lists) in zip(slices, ranked) {
            for (number, list) in zip(slice, lists) { relatedByNode[nodes[number]] = list }
        }
    }

    /// Every shown record's block, by record: what a later build keeps in its manifest and
    /// reuses while the references stay the same (`init(blocks:)`).
    var blocks: [Node: [Node]] { relatedByNode }

    /// The blocks a build worked out before, from a catalog with the same references (the same
    /// records, each naming the same others): the ranking reads nothing else, so they are the
    /// blocks it would work out again. At ten thousand combos working them out was about a
    /// second of each update.
    init(blocks: [Node: [Node]]) {
        shortcut = true
        relatedByNode = blocks
    }

    /// Whether record `number` names few enough records of the kind with index `kind` for each
    /// name to mean something.
    private func points(_ number: Int, at kind: Int) -> Bool {
        pointedKinds[number] & (1 << UInt32(kind)) != 0
    }

    /// The records most related to `node`, best first: two points when one names the other, and
    /// the shared weight of every device, machine, runtime or model both point at. Ties go by
    /// kind, then id.
    func related(to node: Node) -> [Node] {
        if let list = relatedByNode[node] { return list }
        guard let number = index[node] else { return [] }
        var scores = [Int](repeating: 0, count: nodes.count)
        return ranked(number, scores: &scores)
    }

    /// What `rankedByCloseShares` answers for one record (nil: the full ranking is needed).
    func rankedByCloseShares(_ node: Node) -> [Node]? {
        guard let number = index[node] else { return nil }
        var scores = [Int](repeating: 0, count: nodes.count)
        return rankedByCloseShares(number, scores: &scores)
    }

    /// `scores` is all zeros on entry and on return.
    private func ranked(_ number: Int, scores: inout [Int]) -> [Node] {
        if shortcut, let list = rankedByCloseShares(number, scores: &scores) { return list }
        var touched: [Int] = []
        _ = addShares(of: number, scores: &scores, touched: &touched, sparingOnePoint: false)
        var best = Best(rank: rank)
        for candidate in touched {
            let score = scores[candidate]
            scores[candidate] = 0
            best.offer(candidate, score)
        }
        return best.entries.map { nodes[$0.number] }
    }

    /// Adds to `scores` (listing each record it first reaches in `touched`) the weight of every
    /// device, machine, runtime or model `number` shares with another record, and two points for
    /// naming it or being named by it. With `sparingOnePoint`, the one-point shares (runtimes,
    /// models) are not visited but returned, with their kind's bit.
    private func addShares(
        of number: Int, scores: inout [Int], touched: inout [Int], sparingOnePoint: Bool
    ) -> [(target: Int, bit: UInt32)] {
        func add(_ candidate: Int, _ points: Int) {
            if scores[candidate] == 0 { touched.append(candidate) }
            scores[candidate] += points
        }
        var spared: [(target: Int, bit: UInt32)] = []
        for target in names[number] {
            let kind = kindIndex[target]
            let weight = Self.weightByKind[kind]
            guard weight > 0, points(number, at: kind) else { continue }
            let bit = UInt32(1) << UInt32(kind)
            if sparingOnePoint, weight == 1 {
                spared.append((target, bit))
                continue
            }
            for candidate in namedBy[target] where candidate != number && pointedKinds[candidate] & bit != 0 { add(candidate, weight) }
        }
        for candidate in names[number] where points(number, at: kindIndex[candidate]) { add(candidate, 2) }
        for candidate in namedBy[number] where points(candidate, at: kindIndex[number]) { add(candidate, 2) }
        return spared
    }

    /// The same ranking, found from the records that share a device or machine with this one, or
    /// name it or are named by it: a runtime or model is shared by thousands of combos, and adding
    /// a point to each of them was most of the ranking at ten thousand combos. A record reached no
    /// other way shares only runtimes and models with this one, a point each, so it scores at most
    /// the number of them this record points at; when the eighth best of those reached scores
    /// higher, no other record can enter the list and it is the full ranking's. Nil when it does
    /// not (small catalogs, records with few close neighbours): the caller ranks every record.
    private func rankedByCloseShares(_ number: Int, scores: inout [Int]) -> [Node]? {
        var touched: [Int] = []
        // The runtimes and models this record points at, worth a point each when shared.
        let onePoint = addShares(of: number, scores: &scores, touched: &touched, sparingOnePoint: true)
        var best = Best(rank: rank)
        for candidate in touched {
            var score = scores[candidate]
            scores[candidate] = 0
            // What the full ranking adds for each shared runtime and model: `candidate` is in
            // `namedBy[target]` exactly when `target` is in `names[candidate]`.
            for shared in onePoint where pointedKinds[candidate] & shared.bit != 0 && names[candidate].contains(shared.target) { score += 1 }
            best.offer(candidate, score)
        }
        guard best.entries.count == Self.limit, let last = best.entries.last, last.score > onePoint.count else { return nil }
        return best.entries.map { nodes[$0.number] }
    }

    /// The best `limit` candidates by a running insertion, not a sort of every candidate: a
    /// popular card is shared by thousands of combos. Candidates are compared by score, then by
    /// `rank` (kind, then id) as integers: comparing their kinds and ids was most of the ranking.
    /// Records of kinds the block does not show are passed over.
    private struct Best {
        let rank: [Int32]
        private(set) var entries: [(number: Int, score: Int)] = []

        init(rank: [Int32]) {
            self.rank = rank
        }

        func better(_ a: (number: Int, score: Int), than b: (number: Int, score: Int)) -> Bool {
            if a.score != b.score { return a.score > b.score }
            return rank[a.number] < rank[b.number]
        }

        mutating func offer(_ candidate: Int, _ score: Int) {
            guard rank[candidate] >= 0 else { return }
            let entry = (number: candidate, score: score)
            if entries.count == RelatedRecords.limit, let last = entries.last, !better(entry, than: last) { return }
            let position = entries.firstIndex { better(entry, than: $0) } ?? entries.count
            entries.insert(entry, at: position)
            if entries.count > RelatedRecords.limit { entries.removeLast() }
        }
    }

    private static let kindOrder = Dictionary(uniqueKeysWithValues: shownKinds.enumerated().map { ($1, $0) })

    /// The block as titled groups of links, leaving out what the page already links in its own
    /// related list.
    func groups(for node: Node, excluding shown: Set<Node> = [], _ context: inout PageContext) -> [LinkGroup] {
        let nodes = related(to: node).filter { !shown.contains($0) }
        return Self.shownKinds.compactMap { kind in
            let links = nodes.filter { $0.kind == kind }.compactMap { Self.link(to: $0, &context) }
            return links.isEmpty ? nil : LinkGroup(title: IndexPage.title(kind), links: links)
        }
    }

    /// The dependency keys of a page that shows the block: what the records it lists look like
    /// elsewhere, and the references that chose them.
    func dependencies(of node: Node) -> Set<String> {
        Set(related(to: node).map { DependencyKey.listing($0.kind, $0.id) }).union([DependencyKey.references])
    }

    static func link(to node: Node, _ context: inout PageContext) -> LinkView? {
        let catalog = context.catalog
        let label: String? = switch node.kind {
        case .combo: catalog[RecordID<Combo>(node.id)]?.title
        case .stack: catalog[RecordID<Stack>(node.id)]?.title
        case .guide: catalog[RecordID<Guide>(node.id)]?.title
        case .machine: catalog[RecordID<Machine>(node.id)]?.name
        case .device: catalog[RecordID<Device>(node.id)]?.name
        case .runtime: catalog[RecordID<Runtime>(node.id)]?.name
        case .model: catalog[RecordID<Model>(node.id)]?.name
        case .platform: catalog[RecordID<Platform>(node.id)]?.name
        case .benchmark: nil
        }
        return label.map { context.link($0, to: Route.page(node.kind, node.id)) }
    }
}

extension RelatedRecords {
    /// The records an editorial related list already links.
    static func nodes(of related: RelatedLinks) -> Set<Node> {
        Set(related.combos.map { Node(kind: .combo, id: $0.id.raw) } + related.stacks.map { Node(kind: .stack, id: $0.id.raw) }
            + related.guides.map { Node(kind: .guide, id: $0.id.raw) } + related.tools.map { Node(kind: .runtime, id: $0.id.raw) })
    }
}
