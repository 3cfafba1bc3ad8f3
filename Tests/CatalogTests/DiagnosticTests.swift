import Catalog
import FixtureSupport
import Testing

/// One mistake per test, each asserting the exact message and `line:col` an editor sees.
@Suite("Diagnostics for invalid content")
struct DiagnosticTests {
    /// The valid fixture with one change, and the headlines the loader prints for it.
    func headlines(_ change: (FixtureSite) -> Void) -> [String] {
        let site = FixtureSite()
        defer { site.destroy() }
        change(site)
        return site.headlines(site.load().diagnostics)
    }

    @Test("a misspelled key is an error with a suggestion, and not also a missing field")
    func unknownKey() {
        let result = headlines { $0.replace(in: "content/combos/mini-cluster.md", "summary:", with: "summry:") }
        #expect(result == [
            "content/combos/mini-cluster.md:3:1: error: unknown field \"summry\" in a combo; did you mean \"summary\"?",
        ])
    }

    @Test("the diagnostic shows the line and a caret under the key")
    func rendering() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.replace(in: "content/devices/gpu-24.yaml", "memory_technology:", with: "memory_tecnology:")
        let diagnostic = try #require(site.load().diagnostics.first)
        #expect(site.relative(diagnostic.description) == """
            content/devices/gpu-24.yaml:5:1: error: unknown field "memory_tecnology" in a device; did you mean "memory_technology"?
             5 | memory_tecnology: gddr6x
               | ^~~~~~~~~~~~~~~~
            """)
    }

    @Test("a control character in a Markdown body is shown as a symbol, never sent to the terminal, with the caret under it")
    func controlCharacterShown() throws {
        let site = FixtureSite()
        defer { site.destroy() }
        site.replace(in: "content/guides/fixture-guide.md", "Every layer, cut.", with: "Every\tlayer, \u{1B}[2Jcut\u{7F}.")
        let diagnostic = try #require(site.load().diagnostics.first)
        #expect(site.relative(diagnostic.description) == """
            content/guides/fixture-guide.md:15:14: error: the Markdown holds the control character U+001B (ESC), which an editor shows as nothing or a mark and HTML does not allow; delete it
             15 | Every\tlayer, \u{241B}[2Jcut\u{2421}.
                |      \t       ^
            """)
        #expect(!diagnostic.description.unicodeScalars.contains { ControlCharacters.isForbidden($0) })
    }

    @Test("a number written with a leading zero is an error, as YAML would read it as octal (a count of 010 is 8)")
    func leadingZero() {
        let result = headlines {
            $0.replace(in: "content/machines/box-4gpu.yaml", "count: 4", with: "count: 010")
            $0.replace(in: "content/devices/gpu-24.yaml", "memory_gb: 24", with: "memory_gb: -024")
            $0.replace(in: "content/devices/gpu-24.yaml", "bandwidth_gb_s: 936", with: "bandwidth_gb_s: 0.9e3")
        }
        #expect(result == [
            "content/devices/gpu-24.yaml:4:12: error: \"memory_gb\" is written -024, and a leading zero makes YAML read an octal number: write -24",
            "content/machines/box-4gpu.yaml:6:12: error: \"count\" is written 010, and a leading zero makes YAML read an octal number: write 10",
        ])
    }

    @Test("an unknown key with no close match lists the known fields")
    func unknownKeyWithoutSuggestion() {
        let result = headlines { $0.replace(in: "content/platforms/linux-test.yaml", "os_reserve_gb: 2", with: "os_reserve_gb: 2\nflavour: debian") }
        #expect(result == [
            "content/platforms/linux-test.yaml:7:1: error: unknown field \"flavour\" in a platform; expected one of: name, family, version, released, summary, features, gpu_wired_limit, raise_wired_limit, raised_limit_keeps_free_gb, shared_gpu_memory_fraction, display_reserve_gb, os_reserve_gb, notes, sources",
        ])
    }

    @Test("a wrong type names the field and what was found")
    func wrongType() {
        let result = headlines { $0.replace(in: "content/devices/gpu-24.yaml", "bandwidth_gb_s: 936", with: "bandwidth_gb_s: 936 GB/s") }
        #expect(result == [
            "content/devices/gpu-24.yaml:6:17: error: \"bandwidth_gb_s\" must be a number, found text \"936 GB/s\"",
        ])
    }

    @Test("a quoted number is text, not a number")
    func quotedNumber() {
        let result = headlines { $0.replace(in: "content/machines/mini-64.yaml", "host_ram_gb: 64", with: "host_ram_gb: \"64\"") }
        #expect(result == [
            "content/machines/mini-64.yaml:6:14: error: \"host_ram_gb\" must be a number, found text \"64\"",
        ])
    }

    @Test("a missing required field is reported where the record starts")
    func missingField() {
        let result = headlines { $0.replace(in: "content/models/model-dense.yaml", "layers: 80\n", with: "") }
        #expect(result == [
            "content/models/model-dense.yaml:1:1: error: missing required field \"layers\" in a model",
        ])
    }

    @Test("a key with no value says what it needs")
    func emptyValue() {
        let result = headlines { $0.replace(in: "content/models/model-dense.yaml", "layers: 80", with: "layers:") }
        #expect(result == [
            "content/models/model-dense.yaml:6:1: error: \"layers\" needs a value: a whole number ≥ 1",
        ])
    }

    @Test("negative memory and zero bandwidth are out of range")
    func outOfRange() {
        let result = headlines {
            $0.replace(in: "content/devices/gpu-24.yaml", "memory_gb: 24", with: "memory_gb: -24")
            $0.replace(in: "content/devices/gpu-24.yaml", "bandwidth_gb_s: 936", with: "bandwidth_gb_s: 0")
        }
        #expect(result == [
            "content/devices/gpu-24.yaml:4:12: error: \"memory_gb\" must be greater than 0, found -24",
            "content/devices/gpu-24.yaml:6:17: error: \"bandwidth_gb_s\" must be greater than 0, found 0",
        ])
    }

    @Test("NaN and infinity are not numbers a record can hold")
    func nonFinite() {
        let result = headlines { $0.replace(in: "content/devices/gpu-24.yaml", "memory_gb: 24", with: "memory_gb: .nan") }
        #expect(result == ["content/devices/gpu-24.yaml:4:12: error: \"memory_gb\" must be a finite number, found .nan"])
    }

    @Test("a fraction where a whole number is needed")
    func wholeNumber() {
        let result = headlines { $0.replace(in: "content/combos/mini-cluster.md", "count: 4", with: "count: 2.5") }
        #expect(result == ["content/combos/mini-cluster.md:10:12: error: \"count\" must be a whole number, found 2.5"])
    }

    @Test("an unknown vocabulary term suggests the closest one")
    func unknownTerm() {
        let result = headlines { $0.replace(in: "content/devices/gpu-24.yaml", "backends: [cuda, vulkan]", with: "backends: [cudaa, vulkan]") }
        #expect(result == [
            "content/devices/gpu-24.yaml:12:12: error: unknown backend \"cudaa\" in \"backends\"; did you mean \"cuda\"?",
        ])
    }

    @Test("a list written as one value")
    func notAList() {
        let result = headlines { $0.replace(in: "content/devices/gpu-24.yaml", "os: [linux, windows]", with: "os: linux") }
        #expect(result == [
            "content/devices/gpu-24.yaml:13:5: error: \"os\" must be a list (lines starting with '- '), found text \"linux\"",
        ])
    }

    @Test("a dangling reference names the missing file and suggests an id")
    func danglingReference() {
        let result = headlines { $0.replace(in: "content/machines/box-4gpu.yaml", "device: gpu-24", with: "device: gpu-42") }
        #expect(result == [
            "content/machines/box-4gpu.yaml:5:13: error: no device with id \"gpu-42\" (content/devices/gpu-42.yaml does not exist); did you mean \"gpu-24\"?",
        ])
    }

    @Test("a dangling reference inside Markdown front matter counts front-matter lines from the file's top")
    func danglingReferenceInFrontMatter() {
        let result = headlines { $0.replace(in: "content/combos/gpu-box.md", "alternatives: [mini-cluster]", with: "alternatives: [mini-clustre]") }
        #expect(result == [
            "content/combos/gpu-box.md:18:16: error: no combo with id \"mini-clustre\" (content/combos/mini-clustre.md does not exist); did you mean \"mini-cluster\"?",
        ])
    }

    @Test("a combo's reference model must exist")
    func danglingReferenceModel() {
        let result = headlines { $0.replace(in: "content/combos/gpu-box.md", "reference_model: model-dense", with: "reference_model: model-dens") }
        #expect(result == [
            "content/combos/gpu-box.md:43:18: error: no model with id \"model-dens\" (content/models/model-dens.yaml does not exist); did you mean \"model-dense\"?",
        ])
    }

    @Test("a URL that is not http(s)")
    func badURL() {
        let result = headlines { $0.replace(in: "content/devices/soc-64.yaml", "url: https://example.com/soc-64", with: "url: javascript:alert(1)") }
        #expect(result == [
            "content/devices/soc-64.yaml:14:10: error: \"url\" must be an http:// or https:// address, found \"javascript:alert(1)\"",
        ])
    }

    @Test("a date that does not exist")
    func badDate() {
        let result = headlines { $0.replace(in: "content/guides/fixture-guide.md", "published: 2026-11-01", with: "published: 2026-02-30") }
        #expect(result == [
            "content/guides/fixture-guide.md:4:12: error: \"published\" must be a date written YYYY-MM-DD, found text \"2026-02-30\"",
        ])
    }

    @Test("front matter that never closes")
    func unclosedFrontMatter() {
        let result = headlines { site in
            let text = site.read("content/guides/fixture-guide.md")
            site.write("content/guides/fixture-guide.md", text.replacingOccurrences(of: "combos: [mini-cluster, gpu-box]\n---\n", with: "combos: [mini-cluster, gpu-box]\n"))
        }
        #expect(result == [
            "content/guides/fixture-guide.md:1:1: error: the front matter opened here is never closed: add a line '---' after the last field",
        ])
    }

    @Test("a Markdown record without front matter")
    func missingFrontMatter() {
        let result = headlines { $0.write("content/stacks/cluster-stack.md", "Just prose.\n") }
        #expect(result.first == "content/stacks/cluster-stack.md:1:1: error: a Markdown record must start with a '---' line opening its YAML front matter")
    }

    @Test("YAML indented with a tab")
    func tabIndentation() {
        let result = headlines { $0.replace(in: "content/devices/gpu-24.yaml", "price:\n  usd: 1499", with: "price:\n\tusd: 1499") }
        #expect(result.count == 1)
        #expect(result[0].hasPrefix("content/devices/gpu-24.yaml:10:1: error: invalid YAML: found character that cannot start any token"))
        #expect(result[0].hasSuffix("YAML does not allow tabs for indentation, use spaces"))
    }

    @Test("an unclosed quote")
    func unclosedQuote() {
        let result = headlines { $0.replace(in: "content/platforms/linux-test.yaml", "version: \"6.8\"", with: "version: \"6.8") }
        // At the quote that opened, not at the end of the file where YAML noticed.
        #expect(result == [
            "content/platforms/linux-test.yaml:3:10: error: invalid YAML: this quote is never closed (found unexpected end of stream)",
        ])
    }

    @Test("a key written twice is reported at the repeat")
    func duplicateKey() {
        let result = headlines { $0.replace(in: "content/platforms/linux-test.yaml", "os_reserve_gb: 2", with: "os_reserve_gb: 2\nname: Another") }
        #expect(result == [
            "content/platforms/linux-test.yaml:7:1: error: duplicate key \"name\" (first written on line 1); each field may appear once",
        ])
    }

    @Test("anchors and aliases are refused")
    func aliases() {
        let result = headlines {
            $0.replace(in: "content/devices/gpu-24.yaml", "memory_gb: 24", with: "memory_gb: &mem 24")
            $0.replace(in: "content/devices/gpu-24.yaml", "power_w: 350", with: "power_w: *mem")
        }
        #expect(result == [
            "content/devices/gpu-24.yaml:8:10: error: an alias (*mem): anchors and aliases are not supported in records; write the value out",
        ])
    }

    @Test("a file name that is not a valid id")
    func invalidID() {
        let result = headlines { site in
            site.write("content/devices/Big GPU.yaml", site.read("content/devices/gpu-24.yaml"))
        }
        #expect(result == [
            "content/devices/Big GPU.yaml:1:1: error: the file name \"Big GPU\" is not a valid id: use lowercase letters, digits, '.' and '-' (it becomes the page URL)",
        ])
    }

    @Test("a file that is not UTF-8 says where the bad byte is")
    func invalidUTF8() {
        let result = headlines { site in
            site.writeBytes("content/devices/gpu-24.yaml", Array("name: Test\nvendor: nv".utf8) + [0xFF, 0xFE] + Array("idia\n".utf8))
        }
        #expect(result == ["content/devices/gpu-24.yaml:2:11: error: the file is not valid UTF-8 text (save it as UTF-8)"])
    }

    @Test("CRLF line endings and a byte-order mark are accepted")
    func windowsText() {
        let result = headlines { site in
            let text = site.read("content/devices/gpu-24.yaml").replacingOccurrences(of: "\n", with: "\r\n")
            site.writeBytes("content/devices/gpu-24.yaml", [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        }
        #expect(result == [])
    }

    @Test("an empty Markdown body")
    func emptyBody() {
        let result = headlines { site in
            let text = site.read("content/runtimes/rt-gpu.md")
            site.write("content/runtimes/rt-gpu.md", String(text[..<text.range(of: "The GPU runtime's review.")!.lowerBound]))
        }
        #expect(result == [
            "content/runtimes/rt-gpu.md:18:1: error: the Markdown body after the front matter is empty; it holds the operational review",
        ])
    }

    @Test("an unexpected file or folder in the content")
    func unexpectedEntries() {
        let result = headlines { site in
            site.write("content/devices/notes.txt", "scratch")
            site.write("content/device/gpu.yaml", "name: x")
        }
        #expect(result == [
            "content/device: error: unexpected entry in the content folder; records live in devices, machines, platforms, runtimes, models, combos, stacks, guides, benchmarks; did you mean \"devices\"?",
            "content/devices/notes.txt: error: unexpected file in content/devices: each device is one .yaml file",
        ])
    }

    @Test("a memory size the chip never shipped with (there is no 192 GB M3 Ultra)")
    func unshippedMemory() {
        let result = headlines { $0.replace(in: "content/devices/soc-64.yaml", "memory_gb: 64", with: "memory_gb: 192") }
        #expect(result == [
            "content/devices/soc-64.yaml:6:12: error: Test SoC shipped with 32 GB or 64 GB only; 192 GB is not a configuration",
        ])
    }

    @Test("a unified-memory machine whose RAM is not its chip's memory")
    func unifiedMemoryMismatch() {
        let result = headlines { $0.replace(in: "content/machines/mini-64.yaml", "host_ram_gb: 64", with: "host_ram_gb: 48") }
        #expect(result == [
            "content/machines/mini-64.yaml:6:14: error: host_ram_gb is 48 GB, but its chip soc-64 is the 64 GB configuration; a unified-memory machine's RAM is its chip's memory",
        ])
    }

    @Test("a full mesh needs N-1 ports on every machine")
    func meshPorts() {
        let result = headlines { $0.replace(in: "content/machines/mini-64.yaml", "count: 3", with: "count: 2") }
        #expect(result == [
            "content/combos/mini-cluster.md:9:14: error: a full mesh of 4 machines needs 3 Thunderbolt 5 ports on each, but mini-64 has 2",
        ])
    }

    @Test("RDMA over Thunderbolt 5 needs a platform that has it")
    func rdmaNeedsPlatform() {
        let result = headlines { $0.replace(in: "content/platforms/macos-test.yaml", "features: [rdma-over-thunderbolt-5, gpu-wired-limit-sysctl]", with: "features: [gpu-wired-limit-sysctl]") }
        #expect(result == [
            "content/combos/mini-cluster.md:14:14: error: RDMA over Thunderbolt 5 needs a platform with \"rdma-over-thunderbolt-5\" (macOS 26.2 or later); macos-test does not have it",
        ])
    }

    @Test("a runtime claimed to work where its record says it cannot")
    func runtimeClaims() {
        let result = headlines { $0.replace(in: "content/combos/mini-cluster.md", "  - runtime: rt-gpu\n    supported: false", with: "  - runtime: rt-gpu\n    supported: true") }
        #expect(result == [
            "content/combos/mini-cluster.md:22:14: error: rt-gpu is marked supported on 4 machines, but its record says it cannot span machines (multi_host.supported: false)",
            "content/combos/mini-cluster.md:22:14: error: rt-gpu is marked supported, but its backends (CUDA) drive none of this combo's devices (Metal and CPU)",
            "content/combos/mini-cluster.md:22:14: error: rt-gpu is marked supported, but its record lists Linux only, not macOS",
        ])
    }

    @Test("a recommended runtime must be marked supported")
    func recommendedUnsupported() {
        let result = headlines { $0.replace(in: "content/combos/mini-cluster.md", "recommended_runtimes: [rt-cluster]", with: "recommended_runtimes: [rt-cluster, rt-gpu]") }
        #expect(result == [
            "content/combos/mini-cluster.md:17:36: error: recommended runtime \"rt-gpu\" needs an entry with supported: true in runtime_compatibility",
        ])
    }

    @Test("a split strategy no supported runtime offers, or one the topology cannot use")
    func splitStrategies() {
        let result = headlines {
            $0.replace(in: "content/combos/gpu-box.md", "  - strategy: tensor-parallel\n    note: Four-way.", with: "  - strategy: tensor-parallel\n    note: Four-way.\n  - strategy: expert-parallel\n    note: Experts per card.\n  - strategy: multi-host-pipeline\n    note: Never.")
        }
        #expect(result == [
            "content/combos/gpu-box.md:18:15: error: no runtime marked supported here offers \"expert-parallel\" (checked rt-gpu)",
            "content/combos/gpu-box.md:20:15: error: \"multi-host-pipeline\" needs several machines; this combo is one box",
        ])
    }

    @Test("a benchmark target with a quant the model does not have")
    func benchmarkQuant() {
        let result = headlines { $0.replace(in: "content/combos/gpu-box.md", "    quant: Q4_K_M", with: "    quant: Q4_K_S") }
        #expect(result == [
            "content/combos/gpu-box.md:39:12: error: model-dense has no quant \"Q4_K_S\"; did you mean \"Q4_K_M\"?",
        ])
    }

    @Test("a benchmark target in a format the runtime cannot load")
    func benchmarkFormat() {
        let result = headlines { $0.replace(in: "content/combos/gpu-box.md", "    quant: Q4_K_M", with: "    quant: MLX 4-bit") }
        #expect(result == [
            "content/combos/gpu-box.md:39:12: error: rt-gpu does not load MLX weights (it loads GGUF)",
        ])
    }

    @Test("a single box cannot hold several machines")
    func topologyShape() {
        let result = headlines { $0.replace(in: "content/combos/gpu-box.md", "  - machine: box-4gpu", with: "  - machine: box-4gpu\n    count: 2") }
        #expect(result == [
            "content/combos/gpu-box.md:7:11: error: topology \"single-box\" needs exactly one machine, but \"nodes\" has 2; use ring, full-mesh or star",
        ])
    }

    @Test("every error in every file is reported, sorted by path and line")
    func allErrorsSorted() {
        let result = headlines {
            $0.replace(in: "content/devices/gpu-24.yaml", "vendor: nvidia", with: "vendor: nvidea")
            $0.replace(in: "content/models/model-moe.yaml", "kv_heads: 4", with: "kv_heads: four")
            $0.replace(in: "content/combos/mini-cluster.md", "difficulty: advanced", with: "dificulty: advanced")
            $0.replace(in: "content/devices/gpu-24.yaml", "power_w: 350", with: "power_w: -1")
        }
        #expect(result == [
            "content/combos/mini-cluster.md:4:1: error: unknown field \"dificulty\" in a combo; did you mean \"difficulty\"?",
            "content/devices/gpu-24.yaml:2:9: error: unknown vendor \"nvidea\" in \"vendor\"; did you mean \"nvidia\"?",
            "content/devices/gpu-24.yaml:8:10: error: \"power_w\" must be greater than 0, found -1",
            "content/models/model-moe.yaml:10:11: error: \"kv_heads\" must be a whole number, found text \"four\"",
        ])
    }
}
