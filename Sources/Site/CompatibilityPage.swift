import Catalog

/// `/compatibility/`: every runtime against the operating systems, backends, split strategies,
/// multi-host transports, weight formats and vendor mixes it supports, read from the runtime
/// records, with each runtime's constraints as notes. One table per question, so each stays
/// narrow enough to read; every cell says "Yes" or "No" in words, never by colour alone.
struct CompatibilityPage: Sendable {
    let meta: PageMeta
    let title: String
    let intro: String
    let tables: [Matrix]
    let notes: [RuntimeNotes]

    /// One question asked of every runtime: a column per answer it may give.
    struct Matrix: Sendable {
        let id: String
        let heading: String
        let caption: String
        let columns: [String]
        let rows: [Row]
    }

    struct Row: Sendable {
        let runtime: LinkView
        let cells: [Cell]
    }

    struct Cell: Sendable {
        let text: String
        /// "yes" or "no", for the stylesheet; the text says the same.
        let state: String

        init(_ supported: Bool) {
            text = supported ? "Yes" : "No"
            state = supported ? "yes" : "no"
        }
    }

    struct RuntimeNotes: Sendable {
        let runtime: LinkView
        let multiHost: HTML?
        let constraints: [HTML]
    }

    init(context: inout PageContext) {
        let runtimes = context.catalog.runtimes.all
        title = "Runtime compatibility"
        intro = "What each runtime in the catalog runs on and can do, from its record: operating systems, compute backends, ways of splitting one model, running one model across machines, weight formats, and mixing GPU vendors in one model."
        meta = context.meta(title: title, description: intro, breadcrumbs: [(title, nil)])

        func matrix<Term: VocabularyTerm>(
            _ id: String, _ heading: String, _ caption: String, _ terms: [Term], _ has: (Runtime) -> [Term],
            context: inout PageContext
        ) -> Matrix {
            Matrix(
                id: id, heading: heading, caption: caption, columns: terms.map(\.label),
                rows: runtimes.map { runtime in
                    let supported = Set(has(runtime))
                    return Row(
                        runtime: context.link(runtime.name, to: Route.runtime(runtime.id)),
                        cells: terms.map { Cell(supported.contains($0)) })
                })
        }

        var tables: [Matrix] = [
            matrix("platforms", "Operating systems", "Operating systems each runtime runs on.",
                   OSFamily.allCases, \.platforms, context: &context),
            matrix("backends", "Backends", "Compute backends each runtime can use.",
                   Backend.allCases, \.backends, context: &context),
            matrix("split-strategies", "Split strategies", "Ways each runtime can spread one model over devices.",
                   SplitStrategy.allCases, \.splitStrategies, context: &context),
        ]
        tables.append(Matrix(
            id: "multi-host", heading: "Across machines and vendors",
            caption: "Whether each runtime runs one model across machines, over which transports, and across GPU vendors.",
            columns: ["One model across machines"] + Transport.allCases.map { "Over \($0.label)" } + ["Mixes vendors in one model"],
            rows: runtimes.map { runtime in
                let multiHost = runtime.multiHost
                return Row(
                    runtime: context.link(runtime.name, to: Route.runtime(runtime.id)),
                    cells: [Cell(multiHost.supported)]
                        + Transport.allCases.map { Cell(multiHost.supported && multiHost.transports.contains($0)) }
                        + [Cell(runtime.mixedVendors)])
            }))
        tables.append(matrix("formats", "Weight formats", "Weight formats each runtime loads.",
                             WeightFormat.allCases, \.formats, context: &context))
        self.tables = tables

        notes = runtimes.compactMap { runtime in
            let multiHost = runtime.multiHost.note.map { context.inline($0) }
            let constraints = runtime.constraints.map { context.inline($0) }
            guard multiHost != nil || !constraints.isEmpty else { return nil }
            return RuntimeNotes(runtime: context.link(runtime.name, to: Route.runtime(runtime.id)), multiHost: multiHost, constraints: constraints)
        }
    }
}
