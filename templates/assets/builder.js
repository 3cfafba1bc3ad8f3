/*
 * The builder (/will-it-run/custom/): reads the configuration from the query string, shows it
 * in the form, answers every catalog model and quant with the fit engine (fit.js), and keeps
 * the address bar in step so that every result is a link. No framework; works from file://.
 *
 * Query string (a contract, also written by Sources/Site/BuilderQuery.swift):
 *   devices=ID:COUNT,…            one machine holding these devices, or
 *   machines=ID:COUNT[:NAME],…    catalog machines, with
 *   link=INTERCONNECT:GBIT:TRANSPORT:SHAPE   between them
 *   platform=ID  runtime=ID[,ID…]  context=TOKENS  kv=TYPE
 */
(function () {
  "use strict";

  var data = window.COMBOS_FIT_DATA;
  var form = document.getElementById("builder-form");
  if (!data || !window.CombosFit || !form) return;
  var engine = new window.CombosFit.Engine(data);
  var GIB = 1073741824;
  var MAX_COUNT = 64;

  // ---- Reading and writing the query string ----

  function parseCounts(text, known, kind, messages, withName) {
    var list = [];
    text.split(",").forEach(function (item) {
      if (!item) return;
      var parts = item.split(":");
      var id = parts[0];
      var count = parts.length > 1 ? Number(parts[1]) : 1;
      if (!known[id]) { messages.push("There is no " + kind + " \u201c" + id + "\u201d in the catalog; it was left out."); return; }
      if (!(count >= 1 && count <= MAX_COUNT && Math.floor(count) === count)) {
        messages.push("The count for " + id + " must be a whole number from 1 to " + MAX_COUNT + "; 1 was used.");
        count = 1;
      }
      var entry = [id, count];
      if (withName) entry.push(parts[2] ? parts[2].replace(/[^A-Za-z0-9_-]/g, "") || null : null);
      list.push(entry);
    });
    return list;
  }

  function defaultPlatform(state) {
    var systems = [];
    if (state.mode === "machines") {
      state.machines.forEach(function (entry) {
        var machine = data.machines[entry[0]];
        var shared = null;
        machine.devices.forEach(function (slot) {
          var os = data.devices[slot[0]].os;
          shared = shared === null ? os.slice() : shared.filter(function (f) { return os.indexOf(f) >= 0; });
        });
        systems.push(shared || []);
      });
    } else {
      state.devices.forEach(function (entry) { systems.push(data.devices[entry[0]].os); });
    }
    var families = ["linux", "macos", "windows"].filter(function (family) {
      return systems.every(function (os) { return os.indexOf(family) >= 0; });
    });
    for (var f = 0; f < families.length; f++) {
      for (var i = 0; i < data.platformOrder.length; i++) {
        if (data.platforms[data.platformOrder[i]].family === families[f]) return data.platformOrder[i];
      }
    }
    return data.platformOrder[0];
  }

  function parseQuery(search) {
    var params = new URLSearchParams(search);
    var messages = [];
    var state = {
      mode: "devices", devices: [], machines: [],
      link: { interconnect: "thunderbolt-5", gbit: 80, transport: "tcp-ip", shape: "full-mesh" },
      platform: null, runtimes: [], context: data.defaultContext, kv: "f16"
    };
    var known = {};
    params.forEach(function (_, key) { known[key] = true; });
    ["devices", "machines", "link", "platform", "runtime", "context", "kv"].forEach(function (key) { delete known[key]; });
    Object.keys(known).forEach(function (key) { messages.push("The parameter \u201c" + key + "\u201d is not one the builder reads; it was ignored."); });

    if (params.has("machines")) {
      state.mode = "machines";
      state.machines = parseCounts(params.get("machines"), data.machines, "machine", messages, true);
    } else if (params.has("devices")) {
      state.devices = parseCounts(params.get("devices"), data.devices, "device", messages, false);
    }
    if (params.has("link")) {
      var parts = params.get("link").split(":");
      var gbit = Number(parts[1]);
      // A finite speed only: Number("Infinity") is above zero, and made every split look free.
      if (data.labels.interconnect[parts[0]] && isFinite(gbit) && gbit > 0
          && (parts.length < 3 || data.labels.transport[parts[2]]) && (parts.length < 4 || (data.labels.shape[parts[3]] && parts[3] !== "single-box"))) {
        state.link = { interconnect: parts[0], gbit: gbit, transport: parts[2] || "tcp-ip", shape: parts[3] || "star" };
      } else {
        messages.push("The link \u201c" + params.get("link") + "\u201d is not INTERCONNECT:GBIT:TRANSPORT:SHAPE (for example thunderbolt-5:80:rdma:full-mesh); the default link was used.");
      }
    }
    var empty = state.mode === "machines" ? state.machines.length === 0 : state.devices.length === 0;
    if (empty) {
      if (params.has("devices") || params.has("machines")) messages.push("No hardware was left to configure; the default configuration is shown.");
      var defaults = parseQuery(form.getAttribute("data-default-query"));
      defaults.messages = messages;
      return defaults;
    }
    if (params.has("platform")) {
      if (data.platforms[params.get("platform")]) state.platform = params.get("platform");
      else messages.push("There is no platform \u201c" + params.get("platform") + "\u201d in the catalog; the usual one for this hardware was used.");
    }
    if (!state.platform) state.platform = defaultPlatform(state);
    if (params.has("runtime")) {
      params.get("runtime").split(",").forEach(function (id) {
        if (!id) return;
        if (data.runtimes[id]) { if (state.runtimes.indexOf(id) < 0) state.runtimes.push(id); }
        else messages.push("There is no runtime \u201c" + id + "\u201d in the catalog; it was left out.");
      });
    }
    if (params.has("context")) {
      var context = Number(params.get("context"));
      if (context >= 1 && context <= 4194304 && Math.floor(context) === context) state.context = context;
      else messages.push("The context must be a whole number of tokens from 1 to 4,194,304; " + data.defaultContext + " was used.");
    }
    if (params.has("kv")) {
      if (data.kvBytesPerElement[params.get("kv")] !== undefined) state.kv = params.get("kv");
      else messages.push("The KV cache type \u201c" + params.get("kv") + "\u201d is not one of " + Object.keys(data.kvBytesPerElement).join(", ") + "; f16 was used.");
    }
    state.messages = messages;
    return state;
  }

  function serialize(state) {
    var parts = [];
    if (state.mode === "machines") {
      parts.push("machines=" + state.machines.map(function (e) { return e[0] + ":" + e[1] + (e[2] ? ":" + e[2] : ""); }).join(","));
      var gbit = state.link.gbit;
      parts.push("link=" + [state.link.interconnect, gbit, state.link.transport, state.link.shape].join(":"));
    } else {
      parts.push("devices=" + state.devices.map(function (e) { return e[0] + ":" + e[1]; }).join(","));
    }
    parts.push("platform=" + state.platform);
    if (state.runtimes.length) parts.push("runtime=" + state.runtimes.join(","));
    parts.push("context=" + state.context);
    if (state.kv !== "f16") parts.push("kv=" + state.kv);
    return parts.join("&");
  }

  // ---- The form ----

  var deviceRows = document.getElementById("device-rows");
  var machineRows = document.getElementById("machine-rows");
  var addDevice = document.getElementById("add-device");
  var addMachine = document.getElementById("add-machine");
  var linkFields = document.getElementById("link-fields");

  function addRow(list, templateID, selectClass, entry) {
    var fragment = document.getElementById(templateID).content.cloneNode(true);
    var row = fragment.querySelector("li");
    row.querySelector("select." + selectClass).value = entry[0];
    row.querySelector("input.count").value = entry[1];
    if (entry[2]) row.setAttribute("data-name", entry[2]);
    list.appendChild(fragment);
    return row;
  }

  function showState(state) {
    form.querySelector("input[name=mode][value=" + state.mode + "]").checked = true;
    deviceRows.innerHTML = "";
    machineRows.innerHTML = "";
    state.devices.forEach(function (e) { addRow(deviceRows, "device-row", "device", e); });
    state.machines.forEach(function (e) { addRow(machineRows, "machine-row", "machine", e); });
    if (state.mode === "devices" && !state.devices.length) addRow(deviceRows, "device-row", "device", [data.deviceOrder[0], 1]);
    if (state.mode === "machines" && !state.machines.length) addRow(machineRows, "machine-row", "machine", [data.machineOrder[0], 1]);
    document.getElementById("link-interconnect").value = state.link.interconnect;
    document.getElementById("link-gbit").value = state.link.gbit;
    document.getElementById("link-transport").value = state.link.transport;
    document.getElementById("link-shape").value = state.link.shape;
    document.getElementById("platform").value = state.platform;
    Array.prototype.forEach.call(form.querySelectorAll("input[name=runtime]"), function (box) {
      box.checked = state.runtimes.indexOf(box.value) >= 0;
    });
    var context = document.getElementById("context");
    if (!Array.prototype.some.call(context.options, function (o) { return Number(o.value) === state.context; })) {
      var option = document.createElement("option");
      option.value = String(state.context);
      option.textContent = formatContext(state.context);
      context.appendChild(option);
    }
    context.value = String(state.context);
    document.getElementById("kv").value = state.kv;
    showMode(state.mode);
  }

  function showMode(mode) {
    var machines = mode === "machines";
    deviceRows.hidden = machines;
    addDevice.hidden = machines;
    machineRows.hidden = !machines;
    addMachine.hidden = !machines;
    linkFields.hidden = !machines;
  }

  function readRows(list, selectClass, withName) {
    return Array.prototype.map.call(list.querySelectorAll("li"), function (row) {
      var count = Math.floor(Number(row.querySelector("input.count").value));
      if (!(count >= 1)) count = 1;
      if (count > MAX_COUNT) count = MAX_COUNT;
      var entry = [row.querySelector("select." + selectClass).value, count];
      if (withName) entry.push(row.getAttribute("data-name"));
      return entry;
    });
  }

  function readForm() {
    var mode = form.querySelector("input[name=mode]:checked").value;
    var gbit = Number(document.getElementById("link-gbit").value);
    var state = {
      mode: mode,
      devices: mode === "devices" ? readRows(deviceRows, "device", false) : [],
      machines: mode === "machines" ? readRows(machineRows, "machine", true) : [],
      link: {
        interconnect: document.getElementById("link-interconnect").value,
        gbit: isFinite(gbit) && gbit > 0 ? gbit : 80,
        transport: document.getElementById("link-transport").value,
        shape: document.getElementById("link-shape").value
      },
      platform: document.getElementById("platform").value,
      runtimes: Array.prototype.filter.call(form.querySelectorAll("input[name=runtime]"), function (b) { return b.checked; })
        .map(function (b) { return b.value; }),
      context: Number(document.getElementById("context").value),
      kv: document.getElementById("kv").value,
      messages: []
    };
    return state;
  }

  // ---- Formatting, as Sources/Site/Format.swift ----

  function roundHalfAway(x) { return x < 0 ? -Math.round(-x) : Math.round(x); }
  function grouped(value) {
    var digits = String(Math.abs(value));
    var result = "";
    for (var i = 0; i < digits.length; i++) {
      if (i > 0 && (digits.length - i) % 3 === 0) result += ",";
      result += digits[i];
    }
    return (value < 0 ? "-" : "") + result;
  }
  function formatNumber(value, decimals) {
    var scale = Math.pow(10, decimals);
    var rounded = roundHalfAway(value * scale) / scale;
    if (rounded === Math.round(rounded) && Math.abs(rounded) < 1e15) return grouped(Math.round(rounded));
    var text = rounded.toFixed(decimals).replace(/0+$/, "").replace(/\.$/, "");
    var parts = text.split(".");
    var whole = Math.abs(parseInt(parts[0], 10));
    var sign = text.charAt(0) === "-" ? "-" : "";
    return sign + grouped(whole) + (parts.length > 1 ? "." + parts[1] : "");
  }
  function tokensPerSecond(value) { return formatNumber(value, value < 10 ? 1 : 0); }
  function gib(bytes) { return formatNumber(bytes / GIB, 1) + " GiB"; }
  function percentText(fraction) { return formatNumber(fraction * 100, 0) + "%"; }
  function formatContext(tokens) {
    return grouped(tokens) + " tokens" + (tokens >= 1024 && tokens % 1024 === 0 ? " (" + tokens / 1024 + "k)" : "");
  }
  function escapeHTML(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }
  function slug(text) {
    var result = "";
    var pending = false;
    text.toLowerCase().split("").forEach(function (ch) {
      if (/[a-z0-9]/.test(ch)) {
        if (pending && result) result += "-";
        pending = false;
        result += ch;
      } else {
        pending = true;
      }
    });
    return result || "section";
  }

  // ---- Evaluating ----

  function hardwareOf(state) {
    if (state.mode === "machines") {
      var link = { interconnect: state.link.interconnect, transport: state.link.transport,
        bytesPerSecond: state.link.gbit * 1e9 / 8, shape: state.link.shape };
      return engine.hardwareOfMachines(state.machines, state.platform, link);
    }
    return engine.hardwareOfDevices(state.devices, state.platform, null, null);
  }

  /** Each catalog model and quant, answered by the best of the runtimes (as BuilderPage.swift). */
  function answers(state) {
    var hardware = hardwareOf(state);
    var runtimes = state.runtimes.length
      ? state.runtimes.map(function (id) { return data.runtimes[id]; })
      : engine.runtimesFor(hardware);
    var list = [];
    data.modelOrder.forEach(function (modelID) {
      var model = data.models[modelID];
      model.quants.forEach(function (quant) {
        var best = null;
        runtimes.forEach(function (runtime) {
          var request = engine.request(model, quant, runtime, { contextTokens: state.context, kvCacheType: state.kv });
          var result = engine.evaluate(request, hardware);
          if (!best || engine.isBetter(result, best.result)) best = { request: request, result: result, runtime: runtime };
        });
        if (best) list.push({ model: model, quant: quant, runtime: best.runtime, request: best.request, result: best.result, hardware: hardware });
      });
    });
    return list;
  }

  // ---- Rendering, as templates/partials/fit-row.mustache ----

  // As Sources/Site/LedgerChart.swift: each bar's label on its own line above it, cut to the
  // chart's width by the same estimate of its width.
  function labelWidth(text) {
    var total = 0;
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i), c = text.charCodeAt(i);
      if (c === 0x20) total += 4.2;
      else if ("ijlftrIJ".indexOf(ch) >= 0) total += 4.8;
      else if (c >= 0x61 && c <= 0x7A) total += (c === 0x6D || c === 0x77) ? 10.9 : 7.6;
      else if (c >= 0x41 && c <= 0x5A) total += (c === 0x4D || c === 0x57) ? 12 : 9.1;
      else if (c >= 0x30 && c <= 0x39) total += 8.3;
      else if (c < 0x80) total += 5.5;
      else total += 10;
    }
    return total;
  }

  function fittedLabel(label, room) {
    if (labelWidth(label) <= room) return label;
    var kept = label;
    while (kept.length && labelWidth(kept + "\u2026") > room) kept = kept.slice(0, -1);
    return kept.trim() + "\u2026";
  }

  function ledgerChart(ledger) {
    if (!ledger.length) return "";
    var width = 320, rowHeight = 14, labelHeight = 15, gap = 6, barWidth = width - 4;
    var scale = Math.max.apply(null, ledger.map(function (d) { return Math.max(d.usableBytes, d.neededBytes); }));
    var pitch = labelHeight + rowHeight + gap;
    var height = ledger.length * pitch - gap + 2;
    function x(bytes) { return barWidth * bytes / Math.max(scale, 1); }
    function n(v) { return formatNumber(v, 1).replace(/,/g, ""); }
    function gibShort(bytes) { return formatNumber(bytes / GIB, 1) + " GiB"; }
    var parts = [];
    var summary = [];
    ledger.forEach(function (device, index) {
      var top = index * pitch + 1;
      var y = top + labelHeight;
      var label = escapeHTML(device.label);
      parts.push('<text class="label" x="0" y="' + n(top + 11) + '">' + escapeHTML(fittedLabel(device.label, barWidth)) + "</text>");
      parts.push('<rect class="usable" x="0" y="' + n(y) + '" width="' + n(x(device.usableBytes)) + '" height="' + n(rowHeight) + '"><title>' + label + ": " + gibShort(device.usableBytes) + " usable</title></rect>");
      var start = 0;
      [["weights", "weights", device.weightBytes], ["kv", "KV cache", device.kvBytes], ["buffers", "buffers and overhead", device.bufferBytes + device.overheadBytes]]
        .forEach(function (segment) {
          if (!(segment[2] > 0)) return;
          var end = start + segment[2];
          var visibleEnd = Math.min(end, device.usableBytes);
          if (visibleEnd > start) {
            parts.push('<rect class="' + segment[0] + '" x="' + n(x(start)) + '" y="' + n(y) + '" width="' + n(x(visibleEnd) - x(start)) + '" height="' + n(rowHeight) + '"><title>' + label + ": " + segment[1] + " " + gibShort(segment[2]) + "</title></rect>");
          }
          start = end;
        });
      if (device.neededBytes > device.usableBytes) {
        var from = Math.max(device.usableBytes, 0);
        parts.push('<rect class="over" x="' + n(x(from)) + '" y="' + n(y) + '" width="' + n(x(device.neededBytes) - x(from)) + '" height="' + n(rowHeight) + '"><title>' + label + ": " + gibShort(device.neededBytes - device.usableBytes) + " short</title></rect>");
      }
      parts.push('<line class="limit" x1="' + n(x(device.usableBytes)) + '" x2="' + n(x(device.usableBytes)) + '" y1="' + n(y - 1) + '" y2="' + n(y + rowHeight + 1) + '"/>');
      summary.push(device.label + ": " + gibShort(device.neededBytes) + " of " + gibShort(device.usableBytes));
    });
    return '<svg class="ledger-chart" viewBox="0 0 ' + n(width) + " " + n(height) + '" width="' + n(width) + '" height="' + n(height)
      + '" role="img" aria-label="' + escapeHTML("Memory per device: " + summary.join("; ")) + '">' + parts.join("") + "</svg>";
  }

  function row(answer, methodologyHref, index) {
    var result = answer.result;
    var runs = result.verdict === "fits" || result.verdict === "tight";
    var speed = runs ? result.decode : null;
    var decode = speed ? tokensPerSecond(speed.tokensPerSecond) : "\u2014";
    var range = speed ? tokensPerSecond(speed.low) + "\u2013" + tokensPerSecond(speed.high) : "";
    var decodeValue = speed ? formatNumber(speed.tokensPerSecond, 2).replace(/,/g, "") : "0";
    var prefill = runs && result.prefill ? tokensPerSecond(result.prefill.tokensPerSecond) : "\u2014";
    var devicesOnly = result.ledger.filter(function (d) { return !d.isHostRAM; });
    var memory = "\u2014";
    if (devicesOnly.length) {
      var fullest = devicesOnly[0];
      devicesOnly.forEach(function (d) {
        if (d.neededBytes / Math.max(d.usableBytes, 1) > fullest.neededBytes / Math.max(fullest.usableBytes, 1)) fullest = d;
      });
      memory = gib(fullest.neededBytes) + " of " + gib(fullest.usableBytes) + (result.ledger.length > 1 ? " on " + fullest.label : "");
    }
    var anchor = slug(answer.model.id) + "-" + slug(answer.quant.name);
    var strategy = result.strategy ? engine.label("strategy", result.strategy) : "\u2014";
    var html = '<tr id="' + anchor + '" data-model="' + escapeHTML(answer.model.id) + '" data-quant="' + escapeHTML(answer.quant.name)
      + '" data-verdict="' + result.verdict + '" data-decode-tps="' + decodeValue + '">'
      + '<th scope="row"><a href="' + root + "models/" + escapeHTML(answer.model.id) + '/index.html">' + escapeHTML(answer.model.name) + '</a> <span class="quant">' + escapeHTML(answer.quant.name) + "</span></th>"
      + '<td data-label="Runtime and split"><a href="' + root + "tools/" + escapeHTML(answer.runtime.id) + '/index.html">' + escapeHTML(answer.runtime.name) + '</a><br><span class="muted">' + escapeHTML(strategy) + "</span></td>"
      + '<td data-label="Decode, tokens/s"><strong>' + decode + "</strong>" + (range ? '<br><span class="muted">' + range + "</span>" : "") + "</td>"
      + '<td data-label="Prefill, tokens/s">' + prefill + "</td>"
      + '<td class="memory-cell" data-label="Memory per device">' + ledgerChart(result.ledger) + '<span class="muted chart-caption">' + escapeHTML(memory) + "</span></td></tr>"
      + '<tr class="fit-detail"><td colspan="5"><details data-index="' + index + '"><summary>Ledger and why</summary>'
      + "<p><strong>" + escapeHTML(engine.label("verdict", result.verdict)) + "</strong>: " + escapeHTML(result.bindingConstraint) + ".</p>"
      + '<div class="more"></div></details></td></tr>';
    return html;
  }

  function details(answer) {
    var result = answer.result;
    var html = "";
    var runs = result.verdict === "fits" || result.verdict === "tight";
    if (runs) {
      var longest = engine.longestFittingContext(answer.request, answer.hardware);
      if (longest != null) html += "<p>Longest context that fits: " + formatContext(longest) + ".</p>";
    }
    if (result.ledger.length) {
      html += '<div class="table-scroll"><table class="ledger"><thead><tr><th scope="col">Device</th><th scope="col">Usable</th><th scope="col">Weights</th><th scope="col">KV cache</th><th scope="col">Buffers</th><th scope="col">Runtime overhead</th><th scope="col">Headroom</th><th scope="col">Layers</th></tr></thead><tbody>';
      result.ledger.forEach(function (d) {
        html += '<tr><th scope="row">' + escapeHTML(d.label) + '</th><td><abbr title="' + escapeHTML(d.rule) + '">' + gib(d.usableBytes) + "</abbr></td><td>"
          + gib(d.weightBytes) + "</td><td>" + gib(d.kvBytes) + "</td><td>" + gib(d.bufferBytes) + "</td><td>" + gib(d.overheadBytes) + "</td><td>"
          + gib(d.headroomBytes) + " (" + percentText(d.headroom) + ")</td><td>"
          + (d.layers > 0 ? d.firstLayer + "\u2013" + (d.firstLayer + d.layers - 1) : "\u2014")
          + (d.note ? ' <span class="muted">(' + escapeHTML(d.note) + ")</span>" : "") + "</td></tr>";
      });
      html += "</tbody></table></div>";
      var rules = [];
      result.ledger.forEach(function (d) {
        var labels = result.ledger.filter(function (o) { return o.rule === d.rule; }).map(function (o) { return o.label; });
        var text = engine.listing(labels, "and") + ": " + d.rule;
        if (rules.indexOf(text) < 0) rules.push(text);
      });
      html += '<p class="muted">Usable memory, after the runtime\u2019s safety margin: ' + escapeHTML(rules.join(". ")) + ".</p>";
    }
    var fixes = engine.fixes(answer.request, answer.hardware, result);
    if (fixes.length) {
      html += "<p>What would help:</p><ul>" + fixes.map(function (fix) {
        var speed = fix.result.decode ? ", " + tokensPerSecond(fix.result.decode.tokensPerSecond) + " tokens/s" : "";
        return "<li>" + escapeHTML(fix.description + ": " + engine.label("verdict", fix.result.verdict).toLowerCase() + speed) + "</li>";
      }).join("") + "</ul>";
    }
    result.notes.forEach(function (note) { html += '<p class="muted">' + escapeHTML(note) + ".</p>"; });
    return html;
  }

  var TIERS = [
    ["fits", "fits", "Fits comfortably", "Nothing fits comfortably."],
    ["borderline", "tight", "Borderline", "Nothing is borderline."],
    ["wont-fit", "no-fit", "Won't fit", "Everything fits."],
    ["unsupported", "unsupported", "Unsupported", "Every runtime chosen can run every model."]
  ];

  var current = [];
  var results = document.getElementById("results");
  var status = document.getElementById("builder-status");
  var message = document.getElementById("builder-message");
  var methodologyHref = (results.querySelector("a.estimate") || { getAttribute: function () { return "../../methodology/index.html"; } }).getAttribute("href");
  var comfortable = percentText(engine.k("h_fits"));
  // The builder lives at /will-it-run/custom/: the site's root is two folders up.
  var root = "../../";

  function describe(state) {
    var parts = state.mode === "machines"
      ? state.machines.map(function (e) { return (e[1] > 1 ? e[1] + "\u00d7 " : "") + data.machines[e[0]].name; })
      : state.devices.map(function (e) { return (e[1] > 1 ? e[1] + "\u00d7 " : "") + data.devices[e[0]].name; });
    var text = parts.join(" + ") + " on " + data.platforms[state.platform].name;
    if (state.mode === "machines" && state.machines.reduce(function (s, e) { return s + e[1]; }, 0) > 1) {
      text += ", linked by " + engine.label("interconnect", state.link.interconnect) + " at " + formatNumber(state.link.gbit, 1) + " Gb/s ("
        + engine.label("transport", state.link.transport) + ", " + engine.label("shape", state.link.shape).toLowerCase() + ")";
    }
    return text;
  }

  function render(state) {
    var started = Date.now();
    current = answers(state);
    var explanations = {
      "fits": "At least " + comfortable + " of usable memory left free on every device.",
      "borderline": "Fits, but some device keeps less than " + comfortable + " free.",
      "wont-fit": "Some device is short of memory with every split the runtimes offer.",
      "unsupported": "No chosen runtime can run it here; each row says why."
    };
    var counts = [];
    var html = '<p class="configuration">Results for <strong>' + escapeHTML(describe(state)) + "</strong>, at " + formatContext(state.context)
      + " of context" + (state.kv !== "f16" ? " (" + escapeHTML(engine.label("kv", state.kv)) + " KV cache)" : "") + " and one stream, each model under the best of "
      + (state.runtimes.length ? escapeHTML(engine.listing(state.runtimes.map(function (id) { return data.runtimes[id].name; }), "and"))
        : "the runtimes that run here") + ".</p>";
    var sections = "";
    TIERS.forEach(function (tier) {
      var rows = [];
      current.forEach(function (answer, index) { if (answer.result.verdict === tier[1]) rows.push(row(answer, methodologyHref, index)); });
      counts.push([tier[2], rows.length, tier[0]]);
      sections += '<section id="' + tier[0] + '" aria-labelledby="' + tier[0] + '-heading"><h2 id="' + tier[0] + '-heading">' + tier[2] + "</h2>"
        + '<p class="muted">' + explanations[tier[0]] + "</p>";
      if (!rows.length) {
        sections += "<p>" + tier[3] + "</p>";
      } else {
        var est = ' <a class="estimate" href="' + escapeHTML(methodologyHref) + '">est.</a>';
        sections += '<div class="table-scroll"><table class="fits"><thead><tr><th scope="col">Model and quant</th><th scope="col">Runtime and split</th>'
          + '<th scope="col">Decode, tokens/s' + est + '</th><th scope="col">Prefill, tokens/s' + est + '</th><th scope="col">Memory per device' + est + "</th></tr></thead><tbody>"
          + rows.join("") + "</tbody></table></div>";
      }
      sections += "</section>";
    });
    html += '<dl class="facts">' + counts.map(function (c) {
      return '<div><dt>' + c[0] + '</dt><dd><a href="#' + c[2] + '">' + c[1] + "</a></dd></div>";
    }).join("") + "</dl>";
    html += '<p class="legend" aria-hidden="true"><span class="key weights"></span> weights <span class="key kv"></span> KV cache <span class="key buffers"></span> buffers and overhead <span class="key usable"></span> free <span class="key over"></span> short; the tick marks the memory each device may use.</p>';
    results.innerHTML = html + sections;
    status.textContent = counts.map(function (c) { return c[1] + " " + c[0].toLowerCase(); }).join(", ")
      + " (" + current.length + " model quantizations, worked out in " + (Date.now() - started) + " ms).";
    results.setAttribute("data-ready", "true");
  }

  function showMessages(messages) {
    message.hidden = !messages.length;
    message.textContent = messages.join(" ");
  }

  results.addEventListener("toggle", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches("details[data-index]") || !target.open) return;
    var more = target.querySelector(".more");
    if (more.getAttribute("data-done")) return;
    more.innerHTML = details(current[Number(target.getAttribute("data-index"))]);
    more.setAttribute("data-done", "true");
  }, true);

  function update(push) {
    var state = readForm();
    if (state.mode === "machines" && !state.machines.length) state.machines = [[data.machineOrder[0], 1, null]];
    if (state.mode === "devices" && !state.devices.length) state.devices = [[data.deviceOrder[0], 1]];
    var query = "?" + serialize(state);
    if (push && query !== location.search) history.pushState(null, "", query);
    document.getElementById("share-link").setAttribute("href", query);
    showMessages([]);
    render(state);
  }

  function load() {
    var state = parseQuery(location.search);
    showState(state);
    showMessages(state.messages);
    document.getElementById("share-link").setAttribute("href", "?" + serialize(state));
    render(state);
  }

  form.addEventListener("change", function (event) {
    if (event.target.id === "preset") {
      if (!event.target.value) return;
      history.pushState(null, "", "?" + event.target.value);
      event.target.value = "";
      load();
      return;
    }
    if (event.target.name === "mode") showMode(event.target.value);
    if (event.target.id === "platform") { /* a platform the devices cannot run shows as unsupported rows */ }
    update(true);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("click", function (event) {
    var target = event.target;
    if (target.id === "add-device") {
      addRow(deviceRows, "device-row", "device", [data.deviceOrder[0], 1]).querySelector("select").focus();
      update(true);
    } else if (target.id === "add-machine") {
      addRow(machineRows, "machine-row", "machine", [data.machineOrder[0], 1]).querySelector("select").focus();
      update(true);
    } else if (target.classList && target.classList.contains("remove")) {
      var list = target.closest("ol");
      target.closest("li").remove();
      // There is always something to configure: the last row gives way to a fresh one.
      if (!list.querySelector("li")) {
        if (list === deviceRows) addRow(deviceRows, "device-row", "device", [data.deviceOrder[0], 1]);
        else addRow(machineRows, "machine-row", "machine", [data.machineOrder[0], 1]);
      }
      var next = list.querySelector("select");
      (next || (list === deviceRows ? addDevice : addMachine)).focus();
      update(true);
    }
  });
  window.addEventListener("popstate", load);

  form.hidden = false;
  load();
})();
