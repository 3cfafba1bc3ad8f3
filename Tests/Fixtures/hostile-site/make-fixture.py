# Writes Tests/Fixtures/hostile-site/content (the files are committed; run again after changing this):
#   python3 Tests/Fixtures/hostile-site/make-fixture.py Tests/Fixtures/hostile-site/content
import os, sys
root = sys.argv[1]
TXT = "<script>alert(1)</script> \"><img src=x onerror=alert(1)> <svg onload=alert(1)> </script> {{title}} {{{x}}} {{#a}}{{/a}} & &amp; ' javascript:alert(1)"
MD = ("<script>alert(1)</script> <img src=x onerror=alert(1)> <svg onload=alert(1)> </script> {{title}} {{{x}}} {{#a}}{{/a}} & ' \""
      " [js](javascript:alert(1)) [data](data:text/html,%3Cscript%3Ealert(1)%3C/script%3E) <javascript:alert(1)>"
      " ![img](javascript:alert(1)) [ent](&#106;avascript:alert(1)) [case](JaVaScRiPt:alert(1)) [vb](vbscript:msgbox(1))"
      " [ok](https://example.com/?a=1&b=2)")
URL = "https://example.com/?q='onmouseover=alert(1)//&x={{title}}&y=javascript:alert(1)"
def q(s):  # a YAML single-quoted scalar
    return "'" + s.replace("'", "''") + "'"
QN = q("Q4_K_M \"><svg onload=alert(1)>")
LBL = q("<b>PCIe</b> \"4\" & {{x}}")
def t(label): return q(label + " " + TXT)
def m(label): return q(label + " " + MD)
BODY = """Why {{title}} <script>alert(1)</script> and <img src=x onerror=alert(1)>: pooled memory. Compare with [the GPU box](/hardware-combos/gpu-box/).

<script>alert(1)</script>

<div onclick="alert(1)">raw block</div>

<svg onload=alert(1)><circle r="1"/></svg>

<iframe src="javascript:alert(1)"></iframe>

</script><script>alert(1)</script>

Links: [js](javascript:alert(1)), [data](data:text/html,%3Cscript%3Ealert(1)%3C/script%3E), [b64][b64],
[ent](&#106;avascript:alert(1)), [spaced]( javascript:alert(1) ), <javascript:alert(1)>, [vb](VBScript:msgbox(1)),
![image](javascript:alert(1) "title"), ![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+), [ok](https://example.com/?a=1&b=2 "a \\"title\\" & more").

[b64]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==

`<script>alert(1)</script>` in code, and {{{x}}} {{#a}}{{/a}} {{> partials/more}} as text.

```html
</script><script>alert(1)</script>
{{title}}
```

## Trade-offs <script>alert(1)</script> {{title}}

Slow prompts & "quotes" 'apostrophes'.
"""
files = {}
files["benchmarks/gpu-24-dense.yaml"] = f"""devices:
  - device: gpu-24
platform: linux-test
runtime: rt-gpu
model: model-dense
quant: {QN}
depth_tokens: 0
prompt_tokens: 512
decode_tps: 20.1
prefill_tps: 310
backend: cuda
measured: 2026-10-01
source:
  title: {t("Fixture measurement")}
  url: {q(URL)}
notes: {t("Benchmark notes")}
"""
files["combos/gpu-box.md"] = f"""---
title: {t("Four-GPU box")}
summary: {t("Four 24 GB cards.")}
difficulty: intermediate
reviewed: 2026-11-25
platform: linux-test
topology: single-box
nodes:
  - machine: box-4gpu
    name: {q("<svg/onload=1>")}
recommended_runtimes: [rt-gpu]
runtime_compatibility:
  - runtime: rt-gpu
    supported: true
    note: {m("Compat note")}
split_strategies:
  - strategy: tensor-parallel
    note: {m("Split note")}
alternatives: [mini-cluster]
setup_notes:
  - {m("Setup note")}
best_model_classes:
  - name: {t("Model class")}
    note: {m("Class note")}
    models: [model-dense]
bad_at:
  - {m("Bad at")}
avoid_if:
  - {m("Avoid if")}
operations:
  noise_and_thermals: {m("Noise")}
  reliability: {m("Reliability")}
  os: {m("OS")}
failure_modes:
  - symptom: {t("Symptom")}
    cause: {m("Cause")}
    fix: {m("Fix")}
benchmark_targets:
  - model: model-dense
    quant: {QN}
    runtime: rt-gpu
    context: 8192
    why: {m("Why")}
reference_model: model-dense
---
A loud box {{{{title}}}} <script>alert(1)</script> [js](javascript:alert(1)).
"""
files["combos/mini-cluster.md"] = f"""---
title: {t("Four test minis")}
summary: {t("Four test minis in a mesh.")}
difficulty: advanced
reviewed: 2026-11-25
platform: macos-test
topology: full-mesh
nodes:
  - machine: mini-64
    count: 4
    name: {q("<svg/onload=1>")}
link:
  interconnect: thunderbolt-5
  transport: rdma
  gbit_s: 80
  note: {m("Link note")}
recommended_runtimes: [rt-cluster]
runtime_compatibility:
  - runtime: rt-cluster
    supported: true
    note: {m("Cluster compat")}
  - runtime: rt-gpu
    supported: false
    note: {m("GPU compat")}
split_strategies:
  - strategy: multi-host-pipeline
    note: {m("Pipeline")}
  - strategy: multi-host-tensor-parallel
    note: {m("Tensor")}
alternatives: [gpu-box]
setup_notes:
  - {m("Enable RDMA")}
best_model_classes:
  - name: {t("Large MoE")}
    note: {m("Pooled")}
    models: [model-moe]
bad_at:
  - {m("Prompts")}
avoid_if:
  - {m("CUDA")}
operations:
  noise_and_thermals: {m("Quiet")}
  reliability: {m("Cables")}
  os: {m("Builds")}
failure_modes:
  - symptom: {t("RDMA devices missing")}
    cause: {m("RDMA not enabled")}
    fix: {m("Run rdma_ctl")}
related:
  stacks: [cluster-stack]
  guides: [fixture-guide]
  tools: [rt-cluster]
benchmark_targets:
  - model: model-moe
    quant: MLX 4-bit
    runtime: rt-cluster
    context: 32768
    why: {m("Settles it")}
---
""" + BODY
files["devices/gpu-24.yaml"] = f"""name: {t("Test GPU 24")}
vendor: nvidia
kind: discrete-gpu
architecture: {t("Ampere")}
memory_gb: 24
memory_technology: gddr6x
bandwidth_gb_s: 936
fp16_tflops: 142
power_w: 350
price:
  usd: 1499
  year: 2020
  note: {t("launch MSRP")}
backends: [cuda, vulkan]
os: [linux, windows]
pcie:
  generation: 4
  lanes: 16
summary: {t("A fixture GPU.")}
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
"""
files["devices/soc-64.yaml"] = f"""name: {t("Test SoC, 64 GB")}
vendor: apple
kind: unified-soc
chip: {q("<i>SoC</i> & {{chip}}")}
gpu_cores: 20
memory_gb: 64
memory_options_gb: [32, 64]
memory_technology: lpddr5x
bandwidth_gb_s: 273
backends: [metal, cpu]
os: [macos]
summary: {t("A fixture SoC.")}
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
"""
files["guides/fixture-guide.md"] = f"""---
title: {t("A fixture guide")}
summary: {t("How to split models.")}
published: 2026-11-01
updated: 2026-11-25
related:
  combos: [mini-cluster, gpu-box]
---
## Layer split <img src=x onerror=alert(1)> {{{{title}}}}

Read about [the cluster](/hardware-combos/mini-cluster/#topology) and [rules](#tensor-parallel).
Not [this](javascript:alert(1)) nor [that](data:text/html,%3Cscript%3Ealert(1)%3C/script%3E).

## Tensor parallel

Every layer, cut. <script>alert(1)</script></script>

A note[^"><img src=x onerror=alert(1)>] and another[^<script>alert(1)</script>] and[^{{{{title}}}}].

[^"><img src=x onerror=alert(1)>]: First <b>bold</b> [js](javascript:alert(1)).
[^<script>alert(1)</script>]: Second.
[^{{{{title}}}}]: Third.

| a <script> | b "><img src=x onerror=alert(1)> |
|---|---|
| `</script>` | [x](javascript:alert(1)) |

- [ ] task <img src=x onerror=alert(1)>
- [x] done

www.example.com/<script> and https://example.com/"onmouseover="alert(1) and javascript:alert(1) and ~~<svg onload=alert(1)>~~
"""
files["machines/box-4gpu.yaml"] = f"""name: {t("Four-GPU box")}
vendor: {t("Custom build")}
form_factor: workstation
cpu: {t("A CPU")}
devices:
  - device: gpu-24
    count: 4
host_ram_gb: 128
device_link:
  interconnect: pcie
  label: {LBL}
  bandwidth_gb_s: 31.5
  note: {t("Slot wiring")}
ports:
  - kind: ethernet
    gbit_s: 10
    note: {t("Port note")}
power_w: 1800
price:
  usd: 6500
  year: 2026
  note: {t("Parts")}
summary: {t("A loud box.")}
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
"""
files["machines/mini-64.yaml"] = f"""name: {t("Test mini, 64 GB")}
vendor: {t("Apple")}
form_factor: mini-pc
devices:
  - device: soc-64
host_ram_gb: 64
ports:
  - kind: thunderbolt-5
    count: 3
    gbit_s: 80
  - kind: ethernet
    gbit_s: 10
power_w: 155
price:
  usd: 2299
  year: 2024
summary: {t("A small Mac.")}
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
"""
files["models/model-dense.yaml"] = f"""name: {t("Dense 70B")}
developer: {t("Fixture Labs")}
license: {t("Apache-2.0")}
summary: {t("A dense 70B model.")}
params_b: 70.6
layers: 80
hidden_size: 8192
attention_heads: 64
kv_heads: 8
head_dim: 128
attention: gqa
vocab_size: 128256
max_context: 131072
quants:
  - name: {QN}
    format: gguf
    bits_per_weight: 4.89
    file_size_gb: 42.5
  - name: MLX 4-bit
    format: mlx
    bits_per_weight: 4.5
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
"""
files["models/model-moe.yaml"] = f"""name: {t("MoE 235B")}
developer: {t("Fixture Labs")}
license: {t("Apache-2.0")}
summary: {t("A mixture-of-experts model.")}
params_b: 235
active_params_b: 22
layers: 94
hidden_size: 4096
attention_heads: 64
kv_heads: 4
head_dim: 128
attention: gqa
experts:
  total: 128
  active: 8
  expert_intermediate_size: 1536
vocab_size: 151936
max_context: 32768
quants:
  - name: MLX 4-bit
    format: mlx
    bits_per_weight: 4.5
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
"""
files["platforms/linux-test.yaml"] = f"""name: {t("Test Linux")}
family: linux
version: {t("6.8")}
summary: {t("A headless Linux server.")}
display_reserve_gb: 0
os_reserve_gb: 2
notes: {m("Platform notes")}
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
"""
files["platforms/macos-test.yaml"] = f"""name: {t("Test macOS 26.2")}
family: macos
version: {q("26.2 {{version}}")}
summary: {t("A macOS with RDMA.")}
features: [rdma-over-thunderbolt-5, gpu-wired-limit-sysctl]
gpu_wired_limit:
  - ram_up_to_gb: 36
    fraction: 0.667
  - fraction: 0.75
raise_wired_limit: {t("sudo sysctl iogpu.wired_limit_mb=<MB>")}
os_reserve_gb: 4
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
"""
files["runtimes/rt-cluster.md"] = f"""---
name: {t("Cluster runtime")}
summary: {t("Runs one model across several Macs.")}
license: {t("Apache-2.0")}
homepage: {q(URL)}
version: {t("1.0")}
reviewed: 2026-11-25
platforms: [macos]
backends: [metal]
split_strategies: [single-device, multi-host-pipeline, multi-host-tensor-parallel]
formats: [mlx]
mixed_vendors: false
multi_host:
  supported: true
  transports: [rdma, tcp-ip]
  note: {m("Full mesh")}
constraints:
  - {m("Tensor placement needs the KV heads to divide by the node count.")}
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
---
The cluster runtime's review <script>alert(1)</script>. See [the GPU runtime](/tools/rt-gpu/) and [not this](javascript:alert(1)).

## Verdict {{{{title}}}} <svg onload=alert(1)>

Good for clusters. <img src=x onerror=alert(1)>
"""
files["runtimes/rt-gpu.md"] = f"""---
name: {t("GPU runtime")}
summary: {t("Serves models on NVIDIA GPUs under Linux.")}
license: {t("MIT")}
homepage: {q(URL)}
version: {t("0.9")}
reviewed: 2026-11-25
platforms: [linux]
backends: [cuda]
split_strategies: [single-device, layer-split, tensor-parallel]
formats: [gguf]
mixed_vendors: false
multi_host:
  supported: false
sources:
  - title: {t("Fixture source")}
    url: {q(URL)}
---
The GPU runtime's review. {{{{{{x}}}}}} </script><script>alert(1)</script>
"""
files["stacks/cluster-stack.md"] = f"""---
title: {t("Cluster stack")}
summary: {t("Minis, a runtime and a chat frontend.")}
reviewed: 2026-11-25
components:
  - role: {t("Hardware")}
    combo: mini-cluster
    note: {m("The cluster.")}
  - role: {t("Runtime")}
    runtime: rt-cluster
    note: {m("Places the model.")}
  - role: {t("Model")}
    model: model-moe
    note: {m("What it serves.")}
  - role: {t("Frontend")}
    name: {t("Open WebUI")}
    url: {q(URL)}
    note: {m("Chat in a browser.")}
related:
  guides: [fixture-guide]
---
How the stack fits together. <script>alert(1)</script> {{{{#a}}}}{{{{/a}}}}
"""
for rel, text in files.items():
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
