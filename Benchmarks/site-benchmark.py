#!/usr/bin/env python3
"""Site benchmark: `combos build` against Hugo on synthetic catalogs of growing size.

For each size N it writes a synthetic catalog with `combos synth --combos N`, builds it with
`combos build` from an empty output folder, then builds a Hugo site with the same number of HTML
pages and the same prose, and measures each build process on its own (wall time, user+sys CPU
time and peak resident memory from the child's rusage). Then, for comparison only, a second Hugo
site with the same pages whose will-it-run pages are as heavy as combos' own (each model's ledger
table and chart, rendered by a Hugo layout from per-page data), so that both tools write about the
same HTML. It also times incremental `combos build` runs (no change, a body edit, a title edit)
and prints a Markdown report, also written to WORK/report.md.

    python3 Benchmarks/site-benchmark.py [--sizes 1000,3000,10000] [--seed 1] [--work DIR]
                                         [--combos-binary PATH] [--no-hugo] [--no-hugo-same-html]
                                         [--quick]

Python 3.11, standard library only. Linux: ru_maxrss is in KiB.
"""

from __future__ import annotations

import argparse
import fcntl
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEED_TARGET = 4.0  # combos pages/s at least 4x Hugo's
MEMORY_TARGET = 4.0  # combos peak memory at most a quarter of Hugo's
TARGET_SIZE = 10_000
LINEAR_TOLERANCE = 1.5
BEST_OF = 2
TIMEOUT: float | None = None  # seconds per child process (--timeout)


class BenchmarkError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Running a child and measuring it alone

@dataclass
class Run:
    argv: list[str]
    wall: float
    cpu: float
    peak_kib: int
    code: int
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024


def run_measured(argv: list[str], log: Path, cwd: Path = REPO, timeout: float | None = None) -> Run:
    """Runs argv and measures that process alone: os.wait4 gives the child's own rusage. Past
    timeout seconds the child is killed (the caller's check() reports it).

    First the disk writes back what earlier steps left it (os.sync, not timed), so that the
    writing of an output of gigabytes is not done during the next build. (Deleting one is
    another matter, which os.sync does not settle: see remove.)"""
    log.parent.mkdir(parents=True, exist_ok=True)
    os.sync()
    out_path, err_path = log.with_suffix(".out"), log.with_suffix(".err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        except OSError as error:
            raise BenchmarkError(f"cannot run {argv[0]}: {error}") from error
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if timer:
            timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped; keep Popen consistent
    return Run(argv=argv, wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_kib=usage.ru_maxrss,
               code=proc.returncode,
               stdout=out_path.read_text(errors="replace"), stderr=err_path.read_text(errors="replace"),
               timed_out=bool(timeout) and wall >= timeout and proc.returncode < 0)


def check(run: Run, what: str) -> Run:
    if run.timed_out:
        raise BenchmarkError(f"{what} took more than --timeout {TIMEOUT:g} s and was stopped: {' '.join(run.argv)}")
    if run.code != 0:
        message = f"{what} failed (exit {run.code}): {' '.join(run.argv)}"
        for name, text in [("standard output", run.stdout), ("standard error", run.stderr)]:
            if text.strip():
                tail = "\n".join(text.strip().splitlines()[-20:])
                message += f"\n--- last lines of its {name} ---\n{tail}"
        raise BenchmarkError(message)
    return run


def count_html(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.html"))


def html_bytes(folder: Path) -> int:
    """The bytes of every .html file in an output: what the pages weigh, next to how many."""
    return sum(page.stat().st_size for page in folder.rglob("*.html"))


TRASH: Path | None = None  # set by main(): WORK/.trash
_trashed = 0


def remove(path: Path) -> None:
    """Out of the way at once. Under the work folder it is moved to the trash, emptied when the
    run ends: deleting an output of gigabytes slowed whichever build came next (twice the system
    time), even after os.sync: ext4 passes over recently freed inodes when it allocates new ones."""
    global _trashed
    if not (path.exists() or path.is_symlink()):
        return
    if TRASH and TRASH.parent in path.resolve().parents:
        TRASH.mkdir(exist_ok=True)
        _trashed += 1
        path.rename(TRASH / f"{_trashed}-{path.name}")
    elif path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def capture(argv: list[str]) -> str:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        return (result.stdout or result.stderr).strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unavailable"


# ---------------------------------------------------------------------------------------------
# combos

PHASE_LINE = re.compile(r"^\s*[\d.]+ ms\s+\S")
WROTE = re.compile(r"wrote (\d+) of (\d+) files")


@dataclass
class ComboResult:
    size: int
    pages: int
    html_bytes: int
    full: Run
    phases: list[str]
    incremental: list[tuple[str, Run, str]] = field(default_factory=list)


def combos_build(binary: Path, catalog: Path, output: Path, log: Path) -> Run:
    argv = [str(binary), "build", "--content", str(catalog), "--templates", str(REPO / "templates"),
            "--output", str(output), "--verbose"]
    return check(run_measured(argv, log, timeout=TIMEOUT), "combos build")


def files_written(run: Run) -> str:
    match = WROTE.search(run.stdout + "\n" + run.stderr)
    return f"{match.group(1)} of {match.group(2)}" if match else "-"


def first_synthetic_combo(catalog: Path, original: set[str]) -> Path:
    combos = sorted((catalog / "combos").glob("*.md"))
    if not combos:
        raise BenchmarkError(f"{catalog}/combos has no .md files")
    synthetic = [c for c in combos if c.name not in original]
    return (synthetic or combos)[0]


def edit_body(path: Path) -> None:
    text = path.read_text()
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + "\nOne more sentence, appended by the site benchmark to time an incremental build.\n")


def edit_title(path: Path) -> None:
    lines = path.read_text().split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                break
            if lines[i].startswith("title:"):
                value, added = lines[i][len("title:"):].strip(), " (edited by the benchmark)"
                if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                    value = value[:-1] + added + value[-1]  # keeps the quoting and its escapes
                else:
                    value = '"' + (value + added).replace("\\", "\\\\").replace('"', '\\"') + '"'
                lines[i] = "title: " + value
                path.write_text("\n".join(lines))
                return
    raise BenchmarkError(f"{path}: no title: line in its front matter")


def remove_output(output: Path) -> None:
    """An output and the spare beside it (the output an incremental build replaced, which the
    next one copies from): a full build deletes a spare it finds, and that is not its own cost.
    The record cache beside it goes too: a full build from nothing parses every record file
    (with the cache of the run before, a second full build would read them back instead). So do
    the input stamps: a full build from nothing reads every input file to hash it."""
    remove(output)
    remove(output.parent / f".{output.name}.spare")
    remove(output.parent / f".{output.name}.records")
    remove(output.parent / f".{output.name}.stamps")


def bench_combos(binary: Path, work: Path, size: int, seed: int) -> tuple[ComboResult, Path]:
    catalog = work / f"catalog-{size}"
    output = work / f"public-{size}"
    logs = work / "logs"
    remove(catalog)
    print(f"[{size}] combos synth --combos {size}", flush=True)
    check(run_measured([str(binary), "synth", "--combos", str(size), "--output", str(catalog),
                        "--seed", str(seed), "--content", str(REPO / "content")],
                       logs / f"synth-{size}", timeout=TIMEOUT), "combos synth")
    if not (catalog / "combos").is_dir():
        raise BenchmarkError(f"combos synth wrote no {catalog}/combos folder")

    runs = []
    for attempt in range(1, BEST_OF + 1):
        remove_output(output)
        print(f"[{size}] combos build, full, run {attempt} of {BEST_OF}", flush=True)
        runs.append(combos_build(binary, catalog, output, logs / f"combos-full-{size}-{attempt}"))
    best = min(runs, key=lambda r: r.wall)
    pages = count_html(output)
    phases = [line.rstrip() for line in best.stdout.splitlines() if PHASE_LINE.match(line)]
    return ComboResult(size=size, pages=pages, html_bytes=html_bytes(output), full=best, phases=phases), catalog


def bench_incremental(binary: Path, work: Path, result: ComboResult, catalog: Path) -> None:
    """Builds again into the full build's output: no change, a body edit (the first update after a
    full build makes its copy of the output from nothing), a title edit and another body edit
    (each makes its copy from the spare the one before left, as an editor's builds do)."""
    size, output, logs = result.size, work / f"public-{result.size}", work / "logs"
    original = {p.name for p in (REPO / "content" / "combos").glob("*.md")}
    target = first_synthetic_combo(catalog, original)
    text = target.read_text()
    steps = [("no change", None), ("body edit", edit_body), ("title edit", edit_title), ("another body edit", edit_body)]
    try:
        for name, edit in steps:
            if edit:
                edit(target)
            print(f"[{size}] combos build, incremental: {name}", flush=True)
            run = combos_build(binary, catalog, output, logs / f"combos-incremental-{size}-{name.replace(' ', '-')}")
            result.incremental.append((name, run, files_written(run)))
    finally:
        # The Hugo sites are written from the catalog as synth made it.
        target.write_text(text)


# ---------------------------------------------------------------------------------------------
# Hugo: a site with the same page count and prose

HUGO_CONFIG = """baseURL = "http://localhost:8080/"
languageCode = "en-us"
title = "Local AI Hardware Combos (Hugo benchmark)"
disableKinds = ["taxonomy", "term"]
buildFuture = true
enableRobotsTXT = true

[markup.goldmark.renderer]
unsafe = false

[markup.tableOfContents]
startLevel = 2
endLevel = 3
"""

BASEOF = """<!DOCTYPE html>
<html lang="{{ .Site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ .Site.Title }}{{ else }}{{ .Title }} | {{ .Site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 160 }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}" title="{{ $.Site.Title }}">{{ end }}
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:0 1rem;line-height:1.5}
header nav a{margin-right:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem}
footer{border-top:1px solid #ccc;margin-top:2rem;font-size:.9rem}
</style>
</head>
<body>
<header>
<a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
<nav aria-label="Sections">
{{ range .Site.Sections }}<a href="{{ .RelPermalink }}"{{ if $.IsDescendant . }} aria-current="page"{{ end }}>{{ .Title }}</a>{{ end }}
</nav>
<form action="/search/"><input type="search" name="q" aria-label="Search"></form>
</header>
{{ if not .IsHome }}<nav aria-label="Breadcrumb"><a href="{{ .Site.Home.RelPermalink }}">Home</a>{{ with .Parent }}{{ if not .IsHome }} / <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</nav>{{ end }}
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>
<p>{{ .Site.Title }}. Built {{ now.Format "2006-01-02" }}. {{ len .Site.RegularPages }} pages.</p>
<nav>{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
</footer>
</body>
</html>
"""

SINGLE = """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
<p>{{ with .Params.difficulty }}Difficulty: {{ . }}. {{ end }}{{ .WordCount }} words, {{ .ReadingTime }} min read.{{ with .Date }} Reviewed {{ .Format "2006-01-02" }}.{{ end }}</p>
{{ if gt (len .TableOfContents) 40 }}<aside><h2>Contents</h2>{{ .TableOfContents }}</aside>{{ end }}
{{ .Content }}
</article>
<nav aria-label="More in this section">
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">Previous: {{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">Next: {{ .Title }}</a>{{ end }}
</nav>
{{ end }}
"""

LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ if .IsHome }}
{{ range .Site.Sections }}<section><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ len .Pages }} pages.</p>
<ul>{{ range first 12 .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></section>{{ end }}
{{ else }}
<ul class="cards">
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.summary }}<p>{{ . | truncate 200 }}</p>{{ end }}</li>
{{ end }}
</ul>
{{ end }}
{{ end }}
"""

NOT_FOUND = """{{ define "main" }}
<h1>Page not found</h1>
<p><a href="{{ .Site.Home.Permalink }}">Go to the home page</a>.</p>
{{ end }}
"""

KEY = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$")
ITEM = re.compile(r"^(\s*)-\s+(.*)$")


def unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
        value = value.replace('\\"', '"') if value else value
    return value


def is_prose(value: str) -> bool:
    return len(value) >= 40 and " " in value and not value.startswith(("[", "{"))


def read_combo(path: Path) -> tuple[dict[str, str], list[tuple[str, list[str]]], str]:
    """A simple line-based reading of a combo: scalar top-level fields, the prose strings under
    each top-level key (any value of 40+ characters with spaces), and the Markdown body."""
    text = path.read_text()
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, [], text
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return {}, [], text
    scalars: dict[str, str] = {}
    sections: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        top = KEY.match(line)
        if top and not top.group(1) and not top.group(2):
            key, value = top.group(3), unquote(top.group(4))
            if value and not value.startswith(("[", "{")) and key != "summary":
                scalars[key] = value
            if key in ("title", "summary"):  # the page's title and summary, not sections
                scalars[key] = value
                current = None
                continue
            current = []
            sections.append((key, current))
            if is_prose(value):
                current.append(value)
            continue
        if current is None:
            continue
        nested = KEY.match(line)
        value = unquote(nested.group(4)) if nested else None
        if value is None:
            item = ITEM.match(line)
            value = unquote(item.group(2)) if item else unquote(line)
        if is_prose(value):
            current.append(value)
    body = "\n".join(lines[end + 1:]).strip()
    return scalars, [(k, v) for k, v in sections if v], body


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hugo_combo_page(path: Path) -> str:
    scalars, sections, body = read_combo(path)
    title = scalars.get("title", path.stem)
    front = ["+++", f"title = {toml_string(title)}"]
    if "summary" in scalars:
        front.append(f"summary = {toml_string(scalars['summary'])}")
    if "difficulty" in scalars:
        front.append(f"difficulty = {toml_string(scalars['difficulty'])}")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", scalars.get("reviewed", "")):
        front.append(f"date = {scalars['reviewed']}")
    front.append("+++")
    parts = ["\n".join(front), "", "## Why this combo", "", body, ""]
    for key, strings in sections:
        parts += [f"## {key.replace('_', ' ').capitalize()}", ""]
        parts += [f"- {s}" for s in strings]
        parts.append("")
    return "\n".join(parts)


MODELS = ["Llama 3.3 70B", "Qwen3 32B", "Gemma 3 27B", "gpt-oss-120b", "Mistral Small 3", "GLM-4.5-Air",
          "Qwen3 235B-A22B", "DeepSeek-V3", "Llama 3.1 8B", "Phi-4"]
QUANTS = ["Q4_K_M", "Q5_K_M", "Q8_0", "F16", "AWQ 4-bit", "MXFP4"]
VERDICTS = ["fits comfortably", "borderline", "won't fit"]


def filler_page(index: int, combo_titles: list[str], rng: random.Random,
                heavy: tuple[int, random.Random] | None = None) -> str:
    """A will-it-run filler page; with `heavy` (devices, its own random stream), also the data the
    same-HTML layout renders every model's ledger from."""
    combo = combo_titles[index % len(combo_titles)] if combo_titles else f"Combo {index}"
    rows = ["| model | quant | verdict | runtime | decode (tok/s, est.) | prefill (tok/s, est.) |",
            "|---|---|---|---|---|---|"]
    for _ in range(12):
        rows.append(f"| {rng.choice(MODELS)} | {rng.choice(QUANTS)} | {rng.choice(VERDICTS)} | llama.cpp | "
                    f"{rng.uniform(2, 120):.1f} | {rng.uniform(50, 4000):.0f} |")
    title = f"Will it run on {combo}? (page {index + 1})"
    return "\n".join([
        "+++", f"title = {toml_string(title)}",
        f"summary = {toml_string('Every catalog model and quant on ' + combo + ', in three tiers.')}",
        *(heavy_front_matter(*heavy) if heavy else []), "+++", "",
        f"Which models run on {combo}, at 8,192 tokens of context and one stream. Estimates are "
        "marked est.; the [methodology](/) says how they are made.", "",
        *rows, "",
        "The binding constraint is the device with the least headroom; a fix is evaluated again before it is shown.", ""])


# The same-HTML site: its will-it-run pages carry what combos' do for every catalog model (a
# verdict, a ledger table and a bar chart with a row per device, a line per quantization), worked
# out by the layout from a few numbers per model, so that Hugo does template work of the same kind
# and writes about as much HTML. Only the number of devices per page is tuned (`heavy_devices`).
HEAVY_LAYOUT = """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ with .Params.summary }}<p class="summary">{{ . }}</p>{{ end }}
{{ .Content }}
{{ $devices := .Params.devices }}{{ $quants := .Params.quants }}
{{ range $tier := slice "fits comfortably" "borderline" "won't fit" }}
<section id="{{ $tier | urlize }}"><h2>{{ $tier | humanize }}</h2>
{{ range where $.Params.models "verdict" $tier }}{{ $m := . }}
<details class="fit-model" id="{{ .name | urlize }}"><summary><strong>{{ .name }}</strong> {{ .quant }}: {{ .verdict }}, {{ printf "%.1f" .decode }} tok/s (est.), {{ printf "%.1f" .need }} of {{ printf "%.1f" .usable }} GiB</summary>
<table class="ledger"><thead><tr><th scope="col">Device</th><th scope="col">Usable</th><th scope="col">Weights</th><th scope="col">KV cache</th><th scope="col">Buffers</th><th scope="col">Overhead</th><th scope="col">Headroom</th><th scope="col">Layers</th></tr></thead><tbody>
{{ range $i := seq $devices }}{{ $w := div $m.need (float $devices) }}<tr><th scope="row">GPU {{ $i }} (RTX 3090, 24 GiB)</th><td>{{ printf "%.1f GiB" (div $m.usable (float $devices)) }}</td><td>{{ printf "%.1f GiB" (mul $w 0.8) }}</td><td>{{ printf "%.1f GiB" (mul $w 0.12) }}</td><td>{{ printf "%.1f GiB" (mul $w 0.05) }}</td><td>{{ printf "%.1f GiB" (mul $w 0.03) }}</td><td>{{ printf "%.1f GiB (%.0f%%)" (sub (div $m.usable (float $devices)) $w) (mul (div $w $m.usable) 100) }}</td><td>{{ mul (sub $i 1) 10 }}-{{ sub (mul $i 10) 1 }}</td></tr>
{{ end }}</tbody></table>
<svg class="ledger-chart" viewBox="0 0 640 {{ mul $devices 28 }}" role="img" aria-label="Memory per device">
{{ range $i := seq $devices }}{{ $w := div $m.need (float $devices) }}<g transform="translate(0 {{ mul $i 28 }})"><text x="0" y="16">GPU {{ $i }}</text><rect x="120" y="4" width="{{ printf "%.1f" (mul $w 8) }}" height="18" class="weights"/><rect x="{{ printf "%.1f" (add 120 (mul $w 8)) }}" y="4" width="{{ printf "%.1f" (mul $w 1.2) }}" height="18" class="kv"/><rect x="{{ printf "%.1f" (add 120 (mul $w 9.2)) }}" y="4" width="{{ printf "%.1f" (mul $w 0.5) }}" height="18" class="buffers"/><line x1="{{ printf "%.1f" (add 120 (mul $m.usable 2)) }}" x2="{{ printf "%.1f" (add 120 (mul $m.usable 2)) }}" y1="0" y2="26" class="limit"/></g>
{{ end }}</svg>
<ul class="quants">{{ range $quants }}<li><a href="#{{ $m.name | urlize }}-{{ .q | urlize }}">{{ .q }}</a>: {{ printf "%.1f" (mul $m.need .f) }} GiB, {{ printf "%.1f" (div $m.decode .f) }} tok/s (est.), binding: memory on GPU 1</li>
{{ end }}</ul>
<p>Fixes: a shorter context; a smaller quantization; another device.</p>
</details>
{{ end }}</section>
{{ end }}
</article>
{{ end }}
"""

HEAVY_MODELS = ["Llama 3.3 70B", "Qwen3 32B", "Gemma 3 27B", "gpt-oss-120b", "Mistral Small 3", "GLM-4.5-Air",
                "Qwen3 235B-A22B", "DeepSeek-V3", "Llama 3.1 8B", "Phi-4", "Qwen3 30B-A3B", "Llama 4 Scout",
                "Mixtral 8x7B", "Command R", "Qwen2.5 Coder 32B", "DeepSeek R1 Distill 70B", "Gemma 3 12B",
                "Phi-4 mini", "Llama 3.2 3B", "Mistral Nemo", "Qwen3 14B", "Qwen3 8B", "gpt-oss-20b", "Devstral",
                "Kimi K2", "GLM-4.5", "Llama 4 Maverick"]
HEAVY_QUANTS = [("Q4_K_M", 0.55), ("Q5_K_M", 0.65), ("Q6_K", 0.78), ("Q8_0", 1.0), ("F16", 1.9), ("IQ3_XXS", 0.4)]
PROBE_PAGES = 20


def heavy_front_matter(devices: int, rng: random.Random) -> list[str]:
    lines = [f"devices = {devices}"]
    for quant, factor in HEAVY_QUANTS:
        lines += ["[[quants]]", f"q = {toml_string(quant)}", f"f = {factor}"]
    for model in HEAVY_MODELS:
        lines += ["[[models]]", f"name = {toml_string(model)}", f"verdict = {toml_string(rng.choice(VERDICTS))}",
                  f"quant = {toml_string(rng.choice(HEAVY_QUANTS)[0])}", f"decode = {rng.uniform(2, 120):.2f}",
                  f"need = {rng.uniform(4, 400):.2f}", f"usable = {rng.uniform(20, 500):.2f}"]
    return lines


def spread(average: float) -> Callable[[int], int]:
    """Devices for page i: whole numbers whose running mean is `average` (at least 1 each)."""
    average = max(1.0, average)
    return lambda i: math.floor((i + 1) * average) - math.floor(i * average)


def write_theme(site: Path, heavy: bool) -> None:
    for folder in ["layouts/_default", "content/combos", "content/will-it-run"] + (["layouts/will-it-run"] if heavy else []):
        (site / folder).mkdir(parents=True, exist_ok=True)
    (site / "config.toml").write_text(HUGO_CONFIG)
    (site / "layouts/_default/baseof.html").write_text(BASEOF)
    (site / "layouts/_default/single.html").write_text(SINGLE)
    (site / "layouts/_default/list.html").write_text(LIST)
    (site / "layouts/404.html").write_text(NOT_FOUND)
    if heavy:
        (site / "layouts/will-it-run/single.html").write_text(HEAVY_LAYOUT)


def write_hugo_site(site: Path, catalog: Path, target_pages: int, seed: int,
                    devices: Callable[[int], int] | None = None) -> int:
    """Writes a Hugo site meant to render target_pages HTML pages; returns the combo page count.
    With `devices` (page index -> devices), the will-it-run pages are the same-HTML kind."""
    remove(site)
    write_theme(site, heavy=devices is not None)
    (site / "content/_index.md").write_text('+++\ntitle = "Local AI Hardware Combos"\n+++\nWays in by budget, model and hardware.\n')
    (site / "content/combos/_index.md").write_text('+++\ntitle = "Hardware combos"\n+++\nEvery combo, cheapest first.\n')
    (site / "content/will-it-run/_index.md").write_text('+++\ntitle = "Will it run"\n+++\nWhich models run on which hardware.\n')
    titles = []
    combos = sorted((catalog / "combos").glob("*.md"))
    for path in combos:
        page = hugo_combo_page(path)
        (site / "content/combos" / path.name).write_text(page)
        titles.append(read_combo(path)[0].get("title", path.stem))
    # Hugo's HTML pages: home, two section lists, 404, one per combo, one per filler page.
    fillers = max(0, target_pages - len(combos) - 4)
    rng, data_rng = random.Random(seed), random.Random(seed + 1)
    for i in range(fillers):
        heavy = (devices(i), data_rng) if devices else None
        (site / "content/will-it-run" / f"page-{i + 1:05d}.md").write_text(filler_page(i, titles, rng, heavy))
    return len(combos)


def heavy_page_bytes(hugo: str, work: Path, devices: int, seed: int) -> float:
    """The mean size of a same-HTML will-it-run page with `devices` devices, from a small probe site."""
    site, output = work / "hugo-probe-site", work / "hugo-probe-public"
    remove(site)
    remove(output)
    write_theme(site, heavy=True)
    rng, data_rng = random.Random(seed), random.Random(seed + 1)
    for i in range(PROBE_PAGES):
        (site / "content/will-it-run" / f"page-{i + 1:05d}.md").write_text(
            filler_page(i, ["Probe combo"], rng, (devices, data_rng)))
    check(run_measured([hugo, "--quiet", "--source", str(site), "--destination", str(output)],
                       work / "logs" / f"hugo-probe-{devices}", timeout=TIMEOUT), "hugo")
    pages = list((output / "will-it-run").glob("page-*/index.html"))
    if len(pages) != PROBE_PAGES:
        raise BenchmarkError(f"the Hugo probe site wrote {len(pages)} will-it-run pages, not {PROBE_PAGES}")
    size = sum(page.stat().st_size for page in pages) / len(pages)
    remove(site)
    remove(output)
    return size


def heavy_devices(hugo: str, work: Path, seed: int, light: HugoResult, combos_html: int) -> Callable[[int], int]:
    """Devices per will-it-run page so that the same-HTML site writes about combos' HTML: the other
    pages weigh what they do in the site with the same prose, the will-it-run pages make up the rest."""
    one, three = heavy_page_bytes(hugo, work, 1, seed), heavy_page_bytes(hugo, work, 3, seed)
    per_device = max((three - one) / 2, 1.0)
    target = (combos_html - (light.html_bytes - light.filler_bytes)) / max(light.fillers, 1)
    return spread(1 + (target - one) / per_device)


@dataclass
class HugoResult:
    pages: int
    html_bytes: int
    run: Run
    fillers: int = 0  # will-it-run filler pages, and what they weigh
    filler_bytes: int = 0


def bench_hugo(hugo: str, work: Path, size: int, catalog: Path, target_pages: int, seed: int,
               devices: Callable[[int], int] | None = None) -> HugoResult:
    kind = "hugo-same-html" if devices else "hugo"
    site, output = work / f"{kind}-site-{size}", work / f"{kind}-public-{size}"
    print(f"[{size}] writing a Hugo site for {target_pages} pages{' (same HTML)' if devices else ''}", flush=True)
    write_hugo_site(site, catalog, target_pages, seed, devices)
    runs = []
    for attempt in range(1, BEST_OF + 1):
        remove(output)
        remove(site / "resources")
        print(f"[{size}] {kind}, run {attempt} of {BEST_OF}", flush=True)
        runs.append(check(run_measured([hugo, "--quiet", "--source", str(site), "--destination", str(output)],
                                       work / "logs" / f"{kind}-{size}-{attempt}", timeout=TIMEOUT), "hugo"))
    best = min(runs, key=lambda r: r.wall)
    fillers = list((output / "will-it-run").glob("page-*/index.html"))
    result = HugoResult(pages=count_html(output), html_bytes=html_bytes(output), run=best, fillers=len(fillers),
                        filler_bytes=sum(page.stat().st_size for page in fillers))
    remove(output)
    return result


# ---------------------------------------------------------------------------------------------
# Report

def machine_lines(binary: Path, hugo: str | None) -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    os_name = platform.system()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    swift = capture(["swift", "--version"]).splitlines()[0] if shutil.which("swift") else "not found"
    hugo_version = capture([hugo, "version"]) if hugo else "not run"
    commit = capture(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores visible",
        f"- RAM: {ram}",
        f"- OS: {os_name}, kernel {platform.release()}",
        f"- Swift: {swift}",
        f"- Hugo: {hugo_version}",
        f"- combos: {binary} at commit {commit}",
    ]


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f}"


def rate(pages: int, seconds: float) -> float:
    return pages / seconds if seconds > 0 else float("inf")


def ratios(combo: ComboResult, hugo: HugoResult) -> tuple[float, float, float]:
    """combos against a Hugo build: speed (pages/s over Hugo's), memory (Hugo's peak over
    combos'), HTML written (combos' over Hugo's)."""
    return (rate(combo.pages, combo.full.wall) / rate(hugo.pages, hugo.run.wall),
            hugo.run.peak_kib / max(combo.full.peak_kib, 1),
            combo.html_bytes / max(hugo.html_bytes, 1))


def report(args, binary: Path, hugo: str | None,
           results: list[tuple[ComboResult, HugoResult | None, HugoResult | None]]) -> str:
    skipped = " --no-hugo-same-html" if hugo and args.no_hugo_same_html else ""
    out = ["## Site benchmark", "",
           f"`python3 Benchmarks/site-benchmark.py --sizes {','.join(str(r.size) for r, _, _ in results)} --seed {args.seed}{skipped}`"
           f"{'' if hugo else ' (Hugo not run)'}, {time.strftime('%Y-%m-%d %H:%M %Z')}.", "",
           *machine_lines(binary, hugo), "",
           f"Full builds from an empty output folder, best of {BEST_OF} by wall time for each tool (CPU and peak "
           "from that run). Wall, user+sys CPU and peak resident memory (ru_maxrss) are of the build process "
           "alone; pages are the .html files in its output, HTML MiB their size on disk (what the pages "
           "weigh: pages/s compares tools only as far as their pages carry the same).", ""]
    if any(same for _, _, same in results):
        out += ["`hugo` is the site with the same pages and prose, which the targets are measured against; "
                "`hugo, same HTML` has the same pages again, but its will-it-run pages carry a verdict, a "
                "ledger table, a bar chart and a line per quantization for each of 27 models, worked out by "
                "its layout from a few numbers per model, with as many devices per page as brings its HTML "
                "near combos' (tuned on a probe site of 20 pages).", ""]
    for combo, hugo_result, same_html in results:
        out += [f"### {combo.size:,} combos", "",
                "| tool | pages | HTML MiB | wall s | pages/s | HTML MiB/s | CPU s | peak MiB |",
                "|---|---:|---:|---:|---:|---:|---:|---:|"]
        rows = [("combos", combo.pages, combo.html_bytes, combo.full)]
        if hugo_result:
            rows.append(("hugo", hugo_result.pages, hugo_result.html_bytes, hugo_result.run))
        if same_html:
            rows.append(("hugo, same HTML", same_html.pages, same_html.html_bytes, same_html.run))
        for name, pages, size, run in rows:
            html_mib = size / 1048576
            out.append(f"| {name} | {pages:,} | {html_mib:,.1f} | {run.wall:.2f} | {rate(pages, run.wall):,.0f} | "
                       f"{rate(html_mib, run.wall):,.1f} | {run.cpu:.2f} | {mib(run.peak_kib)} |")
        out.append("")
        for label, other in [("Hugo", hugo_result), ("Hugo (same HTML)", same_html)]:
            if not other:
                continue
            diff = abs(other.pages - combo.pages) / max(combo.pages, 1) * 100
            note = "" if diff <= 3 else " (more than 3% apart: the comparison is off)"
            out += [f"Pages: combos {combo.pages:,}, {label} {other.pages:,} ({diff:.1f}% apart){note}.", ""]

    largest = results[-1][0].size
    # The targets are judged against the first Hugo site; the second is shown for comparison.
    for which, title, lead in [(1, "combos against Hugo", None),
                               (2, "combos against Hugo writing the same HTML",
                                "For comparison only: the targets above are measured against the site with the same pages and prose.")]:
        judged = which == 1
        if not any(entry[which] for entry in results):
            continue
        out += [f"### {title}", "", *([lead, ""] if lead else []),
                "| combos | speed (combos pages/s ÷ Hugo pages/s) | memory (Hugo peak ÷ combos peak) "
                "| HTML written (combos ÷ Hugo) |" + (" verdict |" if judged else ""),
                "|---:|---:|---:|---:|" + ("---|" if judged else "")]
        for entry in results:
            combo, other = entry[0], entry[which]
            if not other:
                continue
            speed, memory, weight = ratios(combo, other)
            if not judged:
                out.append(f"| {combo.size:,} | {speed:.2f}x | {memory:.2f}x | {weight:.2f}x |")
                continue
            verdict = "-"
            if combo.size == TARGET_SIZE or (combo.size == largest and TARGET_SIZE not in [r.size for r, _, _ in results]):
                ok_speed, ok_memory = speed >= SPEED_TARGET, memory >= MEMORY_TARGET
                where = "" if combo.size == TARGET_SIZE else f" (targets are for {TARGET_SIZE:,}; largest size run)"
                verdict = (f"speed {'PASS' if ok_speed else 'FAIL'} (>= {SPEED_TARGET:g}x), memory "
                           f"{'PASS' if ok_memory else 'FAIL'} (<= 1/{MEMORY_TARGET:g}){where}")
            out.append(f"| {combo.size:,} | {speed:.2f}x | {memory:.2f}x | {weight:.1f}x | {verdict} |")
        out.append("")

    out += ["### Incremental builds", "",
            "`combos build` again into the same output: with no change, after appending a sentence to one "
            "combo's body, after changing that combo's title, then after appending another sentence. The "
            "first update after a full build makes its hard-linked copy of the output from nothing; the "
            "later ones start from the spare the update before kept. Files rewritten come from the build's "
            "`wrote X of Y files` line (`-` when it prints none).", "",
            "| combos | change | wall s | peak MiB | files rewritten |", "|---:|---|---:|---:|---|"]
    for combo, _, _ in results:
        for name, run, written in combo.incremental:
            out.append(f"| {combo.size:,} | {name} | {run.wall:.2f} | {mib(run.peak_kib)} | {written} |")
    out.append("")

    out += ["### Scaling (combos, full build)", "",
            "| combos | pages | wall s | peak MiB | ms per 1,000 pages | MiB per 1,000 combos |",
            "|---:|---:|---:|---:|---:|---:|"]
    for combo, _, _ in results:
        out.append(f"| {combo.size:,} | {combo.pages:,} | {combo.full.wall:.2f} | {mib(combo.full.peak_kib)} | "
                   f"{combo.full.wall * 1000 / max(combo.pages, 1) * 1000:,.0f} | "
                   f"{combo.full.peak_kib / 1024 / combo.size * 1000:,.1f} |")
    out.append("")
    if len(results) >= 2:
        small, large = results[0][0], results[-1][0]
        time_ratio = (large.full.wall / large.size) / (small.full.wall / small.size)
        memory_ratio = (large.full.peak_kib / large.size) / (small.full.peak_kib / small.size)
        marginal_s = (large.full.wall - small.full.wall) / (large.size - small.size) * 1000
        marginal_mib = (large.full.peak_kib - small.full.peak_kib) / 1024 / (large.size - small.size) * 1000

        def verdict(ratio: float) -> str:
            return ("linearly (or better)" if ratio <= LINEAR_TOLERANCE
                    else f"faster than linearly (more than {LINEAR_TOLERANCE:g}x the per-combo cost)")

        out += [f"Per-combo cost at {large.size:,} against {small.size:,} combos: time {time_ratio:.2f}x, "
                f"peak memory {memory_ratio:.2f}x, so time grows {verdict(time_ratio)} and memory grows "
                f"{verdict(memory_ratio)} (linear: within {LINEAR_TOLERANCE:g}x; below 1x, fixed costs dominate "
                f"at the small size). Marginal cost between the two sizes: {marginal_s:.2f} s and {marginal_mib:.1f} MiB "
                f"per 1,000 more combos.",
                ""]

    big = results[-1][0]
    if big.phases:
        out += [f"### Build phases at {big.size:,} combos (`combos build --verbose`, the measured run)", "", "```",
                *big.phases, "```", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------

def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes numbers separated by commas, not {text!r}")
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("--sizes needs at least one size, each 1 or more")
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 3000, 10000],
                        help="numbers of synthetic combos, comma-separated (default 1000,3000,10000)")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: sizes 100,300")
    parser.add_argument("--seed", type=int, default=1, help="seed for combos synth and the Hugo filler (default 1)")
    parser.add_argument("--work", type=Path, default=REPO / ".build" / "site-benchmark",
                        help="working folder for catalogs, outputs, logs and report.md (default .build/site-benchmark)")
    parser.add_argument("--combos-binary", type=Path,
                        help="use this combos binary instead of building one (swift build -c release --product combos)")
    parser.add_argument("--no-hugo", action="store_true", help="measure combos only")
    parser.add_argument("--no-hugo-same-html", action="store_true",
                        help="skip the second Hugo site, whose will-it-run pages weigh what combos' do")
    parser.add_argument("--timeout", type=float, help="stop with an error when one synth or build takes longer (seconds)")
    args = parser.parse_args()
    global TIMEOUT
    TIMEOUT = args.timeout
    if args.quick:
        args.sizes = [100, 300]
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    # One run per work folder: a second one would empty the first's trash and overwrite its
    # catalogs and outputs under it, and both would time builds sharing the two cores.
    lock = open(work / ".lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print(f"site-benchmark: error: another run is using {work}; wait for it, or pass --work DIR", file=sys.stderr)
        return 1
    global TRASH
    TRASH = work / ".trash"
    shutil.rmtree(TRASH, ignore_errors=True)

    try:
        if args.combos_binary:
            binary = args.combos_binary.resolve()
            if not os.access(binary, os.X_OK):
                raise BenchmarkError(f"--combos-binary {binary} is not an executable file")
        else:
            print("swift build -c release --product combos", flush=True)
            check(run_measured(["swift", "build", "-c", "release", "--product", "combos"], work / "logs" / "swift-build"),
                  "swift build")
            binary = REPO / ".build" / "release" / "combos"
        hugo = None
        if not args.no_hugo:
            hugo = shutil.which("hugo")
            if not hugo:
                raise BenchmarkError("hugo is not on PATH: install it (Debian: apt-get install hugo) or pass --no-hugo")

        results = []
        for size in args.sizes:
            combo, catalog = bench_combos(binary, work, size, args.seed)
            bench_incremental(binary, work, combo, catalog)
            # The largest outputs take gigabytes; keep only what the report needs.
            remove_output(work / f"public-{size}")
            hugo_result = same_html = None
            if hugo:
                hugo_result = bench_hugo(hugo, work, size, catalog, combo.pages, args.seed)
                if not args.no_hugo_same_html:
                    devices = heavy_devices(hugo, work, args.seed, hugo_result, combo.html_bytes)
                    same_html = bench_hugo(hugo, work, size, catalog, combo.pages, args.seed, devices)
            results.append((combo, hugo_result, same_html))
        text = report(args, binary, hugo, results)
    except BenchmarkError as error:
        print(f"site-benchmark: error: {error}", file=sys.stderr)
        return 1
    finally:
        if TRASH.exists():
            print("emptying the trash", flush=True)
            shutil.rmtree(TRASH, ignore_errors=True)
    (work / "report.md").write_text(text + "\n")
    print()
    print(text)
    print(f"(also written to {work / 'report.md'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
