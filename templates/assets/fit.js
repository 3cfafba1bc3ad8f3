/*
 * The fit engine, ported to the browser for the builder (/will-it-run/custom/).
 *
 * Swift (Sources/Fit/) is the definition; this file follows it function by function, in the
 * same order of operations, so that both give the same verdicts and the same speeds. A parity
 * test (Tests/SiteTests/BuilderParityTests.swift) evaluates over a thousand configurations in
 * both and fails on any difference. Change one, change the other.
 *
 * No dependencies; works from file:// and offline. The catalog and the constants come from
 * the build, as window.COMBOS_FIT_DATA (fit-data.js next to the builder page).
 */
(function (global) {
  "use strict";

  var GIB = 1073741824;
  var GB = 1e9;

  function Engine(data) {
    this.data = data;
    this.c = data.constants;
  }

  // ---- Small helpers, as Swift does them ----

  // Swift's .rounded(): half away from zero.
  function roundHalfAway(x) { return x < 0 ? -Math.round(-x) : Math.round(x); }
  function shortest(x) { return x === Math.trunc(x) ? String(Math.trunc(x)) : String(x); }
  function gibText(value) { return shortest(roundHalfAway(value * 10) / 10) + " GiB"; }
  function percent(fraction) { return shortest(roundHalfAway(fraction * 1000) / 10) + "%"; }
  function listing(items, conjunction) {
    conjunction = conjunction || "or";
    if (items.length === 0) return "";
    if (items.length === 1) return items[0];
    return items.slice(0, -1).join(", ") + " " + conjunction + " " + items[items.length - 1];
  }
  function contains(list, value) { return list.indexOf(value) >= 0; }
  var VERDICT_RANK = { "fits": 0, "tight": 1, "no-fit": 2, "unsupported": 3 };
  function verdictLess(a, b) { return VERDICT_RANK[a] < VERDICT_RANK[b]; }

  Engine.prototype.label = function (kind, raw) {
    var table = this.data.labels[kind];
    return (table && table[raw]) || raw;
  };
  Engine.prototype.k = function (symbol) {
    var value = this.c[symbol];
    if (value === undefined) throw new Error("no constant " + symbol);
    return value;
  };

  // ---- Hardware (Hardware.swift) ----

  function fitDevice(device, label, host) {
    return {
      id: device.id, label: label, name: device.name, kind: device.kind, vendor: device.vendor,
      backends: device.backends,
      os: device.os,
      memoryBytes: device.memoryGB * GIB,
      bandwidthBytesPerSecond: device.bandwidthGBs * GB,
      memoryFamily: device.memoryFamily, dies: device.dies, architecture: device.architecture,
      shaderFLOPS: device.shaderTFLOPS == null ? null : device.shaderTFLOPS * 1e12,
      tensorFLOPS: device.fp16TFLOPS == null ? null : device.fp16TFLOPS * 1e12,
      prefillFLOPS: device.prefillTFLOPS == null ? null : device.prefillTFLOPS * 1e12,
      hostLinkBytesPerSecond: device.pcieGBs == null ? null : device.pcieGBs * GB,
      host: host,
      isUnified: device.sharesHostMemory
    };
  }

  function fitHost(label, ramBytes, ramBandwidth, platform, deviceLink, ramAssumed) {
    return {
      label: label, ramBytes: ramBytes, ramBandwidthBytesPerSecond: ramBandwidth, platform: platform,
      deviceLink: deviceLink, ramAssumed: ramAssumed
    };
  }

  Engine.prototype.defaultHostRAMGB = 64;

  /** One machine holding the given devices: list of [deviceID, count]. */
  Engine.prototype.hardwareOfDevices = function (list, platformID, hostRAMGB, deviceLink) {
    var data = this.data;
    var platform = data.platforms[platformID];
    var devices = [];
    var total = 0;
    list.forEach(function (entry) { total += entry[1]; });
    list.forEach(function (entry) {
      var device = data.devices[entry[0]];
      for (var i = 0; i < entry[1]; i++) {
        devices.push(fitDevice(device, total > 1 ? "GPU " + (devices.length + 1) : device.shortLabel, 0));
      }
    });
    var unified = list.length > 0 ? data.devices[list[0][0]].sharesHostMemory : false;
    var ram = hostRAMGB != null ? hostRAMGB : (unified ? data.devices[list[0][0]].memoryGB : this.defaultHostRAMGB);
    return {
      devices: devices,
      hosts: [fitHost("Host", ram * GIB, null, platform, deviceLink || null, hostRAMGB == null && !unified)],
      link: null
    };
  };

  /** Several catalog machines: list of [machineID, count, name], linked by `link`
   *  ({interconnect, transport, bytesPerSecond, shape}) when there are several. */
  Engine.prototype.hardwareOfMachines = function (list, platformID, link) {
    var data = this.data;
    var platform = data.platforms[platformID];
    var hosts = [];
    var devices = [];
    var machineTotal = 0;
    list.forEach(function (entry) { machineTotal += entry[1]; });
    list.forEach(function (entry) {
      var machine = data.machines[entry[0]];
      for (var n = 0; n < entry[1]; n++) {
        var hostIndex = hosts.length;
        var hostLabel = machineTotal > 1 ? (entry[2] || "node") + " " + (hostIndex + 1) : machine.name;
        hosts.push(fitHost(hostLabel, machine.hostRAMGB * GIB,
          machine.hostRAMBandwidthGBs == null ? null : machine.hostRAMBandwidthGBs * GB,
          platform, machine.deviceLink, false));
        var withinHost = 0;
        machine.devices.forEach(function (slot) {
          var device = data.devices[slot[0]];
          if (!device) return;
          for (var i = 0; i < slot[1]; i++) {
            withinHost += 1;
            var label;
            if (machineTotal > 1) label = machine.deviceCount > 1 ? hostLabel + " GPU " + withinHost : hostLabel;
            else label = machine.deviceCount > 1 ? "GPU " + withinHost : device.shortLabel;
            devices.push(fitDevice(device, label, hostIndex));
          }
        });
      }
    });
    return { devices: devices, hosts: hosts, link: machineTotal > 1 ? link : null };
  };

  // ---- Footprint (ModelFootprint.swift; the weights come precomputed from the build) ----

  Engine.prototype.footprint = function (quant, kvCacheType) {
    var f = quant.footprint;
    var copy = {};
    for (var key in f) copy[key] = f[key];
    copy.kvBytesPerTokenFullLayer = f.kvValuesPerTokenFullLayer * this.data.kvBytesPerElement[kvCacheType];
    return copy;
  };

  function kvBytesPerLayer(fp, tokens, ubatch) {
    var full = fp.fullAttentionLayers * tokens;
    var others = fp.layers - fp.fullAttentionLayers;
    var capped = 0;
    if (fp.slidingWindowTokens != null) capped = others * Math.min(tokens, fp.slidingWindowTokens + ubatch);
    var perToken = (full + capped) * fp.kvBytesPerTokenFullLayer;
    return (perToken + fp.linearStateBytesPerSequence) / fp.layers;
  }
  function isMoELayer(fp, index) { return index >= fp.layers - fp.moeLayers; }
  function weightBytesOfLayer(fp, index) { return fp.denseBytesPerLayer + (isMoELayer(fp, index) ? fp.expertBytesPerMoELayer : 0); }
  Engine.prototype.bytesReadOfLayer = function (fp, index) {
    return fp.denseBytesPerLayer
      + (isMoELayer(fp, index) ? fp.expertBytesPerMoELayer * fp.expertActiveShare / this.k("η_moe") : 0);
  };

  // ---- Usable memory (UsableMemory.swift) ----

  Engine.prototype.defaultOverheadGiB = function (backend) {
    switch (backend) {
      case "cuda": case "rocm": return this.k("K_ctx,cuda");
      case "metal": return this.k("K_ctx,metal");
      case "vulkan": case "sycl": return this.k("K_ctx,other");
      default: return 0;
    }
  };

  function wiredLimitTier(platform, ramGB) {
    for (var i = 0; i < platform.wiredLimit.length; i++) {
      var tier = platform.wiredLimit[i];
      if (tier.ramUpToGB == null || ramGB <= tier.ramUpToGB) return tier;
    }
    return null;
  }

  Engine.prototype.usableMemory = function (device, hardware, rules, runtimeName, backend, raised) {
    var host = hardware.hosts[device.host];
    var platform = host.platform;
    var memoryGiB = device.memoryBytes / GIB;
    var limitGiB;
    var rule;
    var hostProcess = this.k("K_proc");
    if (device.kind === "unified-soc" && platform.family === "macos") {
      var tier;
      if (raised && platform.raisedLimitKeepsFreeGB != null) {
        limitGiB = memoryGiB - platform.raisedLimitKeepsFreeGB;
        var value = String(Math.trunc((memoryGiB - platform.raisedLimitKeepsFreeGB) * 1024));
        rule = "raised GPU wired limit: " + gibText(memoryGiB) + " minus " + gibText(platform.raisedLimitKeepsFreeGB) + " for macOS"
          + (platform.raiseWiredLimit != null ? " (set with `" + platform.raiseWiredLimit.split("<MB>").join(value) + "`)" : "");
      } else if ((tier = wiredLimitTier(platform, memoryGiB))) {
        limitGiB = tier.reserveGB != null ? Math.max(0, memoryGiB - tier.reserveGB) : memoryGiB * tier.fraction;
        rule = { wired: true, text: tier.reserveGB != null
          ? platform.name + " default GPU wired limit: " + gibText(memoryGiB) + " minus " + gibText(tier.reserveGB)
          : platform.name + " default GPU wired limit: " + percent(tier.fraction) + " of " + gibText(memoryGiB) };
      } else {
        limitGiB = memoryGiB - platform.osReserveGB - hostProcess;
        rule = gibText(memoryGiB) + " unified memory minus " + gibText(platform.osReserveGB) + " for " + platform.name
          + " and " + gibText(hostProcess) + " for the runtime process";
      }
    } else if (device.kind === "unified-soc" || device.kind === "cpu") {
      limitGiB = memoryGiB - platform.osReserveGB - hostProcess;
      rule = gibText(memoryGiB) + " unified memory minus " + gibText(platform.osReserveGB) + " for " + platform.name
        + " and " + gibText(hostProcess) + " for the runtime process";
    } else if (device.kind === "apu") {
      var share = platform.sharedGPUMemoryFraction != null ? platform.sharedGPUMemoryFraction : this.k("K_apu");
      limitGiB = memoryGiB * share;
      rule = percent(share) + " of " + gibText(memoryGiB) + " shared memory assigned to the GPU on " + platform.name;
    } else {
      // Only the card that drives the display (the host's first discrete GPU) loses memory to it.
      var primary = null;
      for (var i = 0; i < hardware.devices.length; i++) {
        var other = hardware.devices[i];
        if (other.host === device.host && other.kind === "discrete-gpu") { primary = other; break; }
      }
      var drivesDisplay = primary === device;
      var platformReserve = platform.displayReserveGB != null ? platform.displayReserveGB : 0;
      var reserve = drivesDisplay ? platformReserve : 0;
      limitGiB = memoryGiB - reserve;
      if (reserve > 0) rule = gibText(memoryGiB) + " minus " + gibText(reserve) + " the display keeps on " + platform.name;
      else if (!drivesDisplay && platformReserve > 0) rule = "all " + gibText(memoryGiB) + " (the display is on another card)";
      else rule = "all " + gibText(memoryGiB) + " (" + platform.name + ": no display reserve)";
    }
    if (rules.memoryFraction != null) {
      var held = device.kind === "discrete-gpu" ? memoryGiB - limitGiB : 0;
      if (memoryGiB * rules.memoryFraction - held < limitGiB) {
        limitGiB = memoryGiB * rules.memoryFraction - held;
        rule = runtimeName + " claims " + percent(rules.memoryFraction) + " of " + gibText(memoryGiB)
          + (held > 0 ? ", less " + gibText(held) + " the display keeps" : "");
      }
    }
    var overhead = (rules.deviceOverheadGiB != null ? rules.deviceOverheadGiB : this.defaultOverheadGiB(backend))
      + (rules.activationReserveGiB != null ? rules.activationReserveGiB : 0);
    var margin = rules.safetyMarginGiB != null ? rules.safetyMarginGiB : this.k("K_margin");
    var wired = typeof rule === "object";
    return {
      limitBytes: Math.max(0, limitGiB) * GIB,
      rule: wired ? rule.text : rule,
      isDefaultWiredLimit: wired,
      overheadBytes: overhead * GIB,
      marginBytes: margin * GIB,
      capacityBytes: function () { return Math.max(0, this.limitBytes - this.overheadBytes - this.marginBytes); },
      usableBytesForVerdict: function () { return Math.max(0, this.limitBytes - this.marginBytes); }
    };
  };

  // ---- Speed terms (SpeedModel.swift) ----

  Engine.prototype.bandwidthEfficiency = function (device) {
    if (device.dies > 1) return this.k("η_multi-die");
    switch (device.memoryFamily) {
      case "gddr": return this.k("η_gddr");
      case "hbm": return this.k("η_hbm");
      case "lpddr": return this.k("η_lpddr");
      default: return this.k("η_ddr");
    }
  };

  Engine.prototype.layerOverhead = function (device, backend, rules) {
    var overrides = rules.layerOverhead.filter(function (o) { return o.backend === backend; });
    var match = null;
    var i;
    for (i = 0; i < overrides.length && !match; i++) if (overrides[i].dies != null && overrides[i].dies === device.dies) match = overrides[i];
    for (i = 0; i < overrides.length && !match; i++) if (overrides[i].memory === device.memoryFamily && overrides[i].dies == null) match = overrides[i];
    for (i = 0; i < overrides.length && !match; i++) if (overrides[i].memory == null && overrides[i].dies == null) match = overrides[i];
    if (match) return match.microseconds * 1e-6;
    var microseconds;
    switch (backend) {
      case "cuda": microseconds = device.memoryFamily === "hbm" ? this.k("τ_cuda,hbm") : this.k("τ_cuda"); break;
      case "metal": microseconds = device.dies > 1 ? this.k("τ_metal,multi-die") : this.k("τ_metal"); break;
      case "vulkan": microseconds = this.k("τ_vulkan"); break;
      case "rocm": microseconds = this.k("τ_rocm"); break;
      case "sycl": microseconds = this.k("τ_sycl"); break;
      default: microseconds = this.k("τ_cpu");
    }
    return microseconds * 1e-6;
  };

  Engine.prototype.backendEfficiency = function (device, backend, rules) {
    if (device.architecture == null || rules.backendEfficiency.length === 0) return 1;
    for (var i = 0; i < rules.backendEfficiency.length; i++) {
      var entry = rules.backendEfficiency[i];
      if (entry.backend === backend && entry.architecture === device.architecture) return entry.factor;
    }
    return 1;
  };

  Engine.prototype.cpuDecodeSeconds = function (host, bytesRead, layers) {
    var bandwidth = (host.ramBandwidthBytesPerSecond != null ? host.ramBandwidthBytesPerSecond : 89.6e9) * this.k("η_ddr");
    return bytesRead / bandwidth + layers * this.k("τ_cpu") * 1e-6;
  };

  Engine.prototype.prefillFLOPS = function (device) {
    if (device.prefillFLOPS != null) return device.prefillFLOPS;
    if (device.tensorFLOPS != null) return device.tensorFLOPS * this.k("K_pp");
    if (device.shaderFLOPS != null) return device.shaderFLOPS * this.k("K_pp,shader");
    return null;
  };

  Engine.prototype.hopSecondsBetween = function (inside, link, transport, hiddenSize) {
    var activationBytes = hiddenSize * 2;
    if (link) {
      var latency = transport === "rdma" ? this.k("α_rdma") : this.k("α_tcp");
      return latency * 1e-6 + activationBytes / link.bytesPerSecond;
    }
    var bandwidth = ((inside && inside.deviceLink) ? inside.deviceLink.bandwidthGBs : 16) * GB;
    return this.k("α_pcie") * 1e-6 + activationBytes / bandwidth;
  };

  Engine.prototype.allReduceSeconds = function (devices, hiddenSize, inside, link, transport) {
    if (devices <= 1) return 0;
    var n = devices;
    var payload = 2 * (n - 1) / n * hiddenSize * 2;
    if (link) {
      var latency = transport === "rdma" ? this.k("α_ar,rdma") : this.k("α_ar,tcp");
      var rounds = link.shape === "full-mesh" ? 1 : 2 * (n - 1);
      return latency * 1e-6 * rounds + payload / link.bytesPerSecond;
    }
    var interconnect = (inside && inside.deviceLink) ? inside.deviceLink.interconnect : "pcie";
    var lat = interconnect === "pcie" ? this.k("α_ar,pcie") : this.k("α_ar,nvlink");
    var bw = ((inside && inside.deviceLink) ? inside.deviceLink.bandwidthGBs : 16) * GB;
    return lat * 1e-6 + payload / bw;
  };

  // ---- Placement (Placement.swift) ----

  function even(total, count) {
    if (count <= 0) return [];
    var counts = [];
    for (var i = 0; i < count; i++) counts.push(Math.trunc(total / count));
    for (var j = 0; j < total % count; j++) counts[j] += 1;
    return counts;
  }

  function proportional(total, weights) {
    if (weights.length === 0) return [];
    var sum = 0;
    weights.forEach(function (w) { sum += w; });
    if (!(sum > 0)) return even(total, weights.length);
    var counts = [];
    var left = total;
    for (var i = 0; i < weights.length; i++) {
      counts.push(Math.floor(total * weights[i] / sum));
      left -= counts[i];
    }
    var taken = [];
    while (left > 0) {
      var largest = -1;
      var largestRemainder = -1;
      for (var j = 0; j < weights.length; j++) {
        if (taken[j]) continue;
        var exact = total * weights[j] / sum;
        var remainder = exact - Math.floor(exact);
        if (remainder > largestRemainder) { largest = j; largestRemainder = remainder; }
      }
      counts[largest] += 1;
      taken[largest] = true;
      left -= 1;
    }
    return counts;
  }

  function contiguous(costs, capacities) {
    if (capacities.length === 0) return [];
    var total = 0;
    costs.forEach(function (c) { total += c; });
    var capacity = 0;
    capacities.forEach(function (c) { capacity += c; });
    var counts = capacities.map(function () { return 0; });
    var layer = 0;
    var target = 0;
    var cumulative = 0;
    for (var device = 0; device < capacities.length; device++) {
      target += capacity > 0 ? total * capacities[device] / capacity : total / capacities.length;
      if (device === capacities.length - 1) {
        counts[device] = costs.length - layer;
        break;
      }
      while (layer < costs.length && cumulative + costs[layer] / 2 <= target) {
        cumulative += costs[layer];
        counts[device] += 1;
        layer += 1;
      }
    }
    return counts;
  }

  function repair(counts, maximum) {
    var excess = 0;
    var i;
    for (i = 0; i < counts.length; i++) {
      if (counts[i] > maximum(i)) {
        excess += counts[i] - maximum(i);
        counts[i] = maximum(i);
      }
    }
    while (excess > 0) {
      var target = -1;
      for (i = 0; i < counts.length; i++) {
        if (counts[i] < maximum(i) && (target < 0 || maximum(i) - counts[i] > maximum(target) - counts[target])) target = i;
      }
      if (target < 0) break;
      var move = Math.min(excess, maximum(target) - counts[target]);
      counts[target] += move;
      excess -= move;
    }
    if (excess > 0) {
      var weights = counts.map(function (_, index) { return Math.max(maximum(index), 1); });
      var extra = proportional(excess, weights);
      for (i = 0; i < counts.length; i++) counts[i] += extra[i];
    }
    return counts;
  }

  // ---- The engine (FitEngine.swift) ----

  var BACKEND_PREFERENCE = ["cuda", "rocm", "metal", "vulkan", "sycl", "cpu"];

  Engine.prototype.backendFor = function (device, offered, wanted) {
    if (wanted != null && contains(device.backends, wanted) && contains(offered, wanted)) return wanted;
    for (var i = 0; i < BACKEND_PREFERENCE.length; i++) {
      var backend = BACKEND_PREFERENCE[i];
      if (backend !== "cpu" && contains(device.backends, backend) && contains(offered, backend)) return backend;
    }
    return device.kind === "cpu" && contains(offered, "cpu") ? "cpu" : null;
  };

  /** A request: {model, quant, runtime (records from the data), contextTokens, kvCacheType,
   *  parallelSequences, promptTokens, cachedTokens, raisedWiredLimit, backend}. */
  Engine.prototype.request = function (model, quant, runtime, options) {
    options = options || {};
    var context = Math.max(1, options.contextTokens || 8192);
    return {
      model: model, quant: quant, runtime: runtime,
      contextTokens: context,
      kvCacheType: options.kvCacheType || "f16",
      parallelSequences: Math.max(1, options.parallelSequences || 1),
      promptTokens: Math.max(1, options.promptTokens != null ? options.promptTokens : Math.min(context, 2048)),
      cachedTokens: Math.max(0, options.cachedTokens || 0),
      raisedWiredLimit: !!options.raisedWiredLimit,
      backend: options.backend || null
    };
  };

  function copyRequest(request, changes) {
    var copy = {};
    for (var key in request) copy[key] = request[key];
    for (var change in changes) copy[change] = changes[change];
    return copy;
  }

  Engine.prototype.context = function (request, hardware) {
    var runtime = request.runtime;
    var self = this;
    if (hardware.devices.length === 0) return { unsupported: "there are no devices to run on" };
    for (var h = 0; h < hardware.hosts.length; h++) {
      var host = hardware.hosts[h];
      if (!contains(runtime.platforms, host.platform.family)) {
        return { unsupported: runtime.name + " runs on " + listing(runtime.platforms.map(function (p) { return self.label("os", p); }))
          + ", not " + this.label("os", host.platform.family) };
      }
    }
    if (!contains(runtime.formats, request.quant.format)) {
      return { unsupported: runtime.name + " loads " + listing(runtime.formats.map(function (f) { return self.label("format", f); }))
        + " weights, not " + this.label("format", request.quant.format) + " (" + request.quant.name + ")" };
    }
    if (!contains(runtime.fit.kvCacheTypes, request.kvCacheType)) {
      return { unsupported: runtime.name + " stores its KV cache as " + listing(runtime.fit.kvCacheTypes.map(function (t) { return self.label("kv", t); }))
        + ", not " + this.label("kv", request.kvCacheType) };
    }
    var devices = [];
    var terms = [];
    var notes = [];
    hardware.devices.forEach(function (device) {
      var family = hardware.hosts[device.host].platform.family;
      var runsHere = contains(device.os, family);
      var backend = runsHere ? self.backendFor(device, runtime.backends, request.backend) : null;
      if (backend == null) {
        notes.push(runsHere
          ? runtime.name + " has no backend for " + device.label + " (" + device.name + " uses "
            + listing(device.backends.map(function (b) { return self.label("backend", b); })) + ")"
          : device.label + " (" + device.name + ") has no driver for " + self.label("os", family));
        return;
      }
      devices.push(device);
      terms.push({
        backend: backend,
        usable: self.usableMemory(device, hardware, runtime.fit, runtime.name, backend, request.raisedWiredLimit),
        bandwidth: device.bandwidthBytesPerSecond * self.bandwidthEfficiency(device),
        layerSeconds: self.layerOverhead(device, backend, runtime.fit),
        backendFactor: self.backendEfficiency(device, backend, runtime.fit),
        prefillFLOPS: self.prefillFLOPS(device)
      });
    });
    if (devices.length === 0) return { unsupported: notes[0] || runtime.name + " cannot drive these devices" };
    var format = request.quant.format;
    var rule = runtime.fit.formatBackends.filter(function (r) { return r.format === format; })[0];
    if (rule) {
      for (var b = 0; b < terms.length; b++) {
        if (!contains(rule.backends, terms[b].backend)) {
          return { unsupported: runtime.name + " loads " + self.label("format", format) + " weights only on "
            + listing(rule.backends.map(function (x) { return self.label("backend", x); })) + ", not " + self.label("backend", terms[b].backend) };
        }
      }
    }
    if (request.contextTokens > request.model.maxContext) {
      notes.push(request.model.name + " was trained for " + request.model.maxContext + " tokens of context; "
        + "longer needs RoPE scaling such as YaRN where the model supports it, and quality may drop");
    }
    for (var a = 0; a < hardware.hosts.length; a++) {
      if (hardware.hosts[a].ramAssumed) {
        notes.push(hardware.hosts[a].label + ": " + gibText(hardware.hosts[a].ramBytes / GIB) + " of system RAM assumed");
        break;
      }
    }
    return new Context(this, request, hardware, devices, terms, notes);
  };

  function Context(engine, request, hardware, devices, terms, notes) {
    var model = request.model;
    var runtime = request.runtime;
    this.engine = engine;
    this.request = request;
    this.model = model;
    this.runtime = runtime;
    this.hardware = hardware;
    this.devices = devices;
    this.terms = terms;
    this.notes = notes;
    this.footprint = engine.footprint(request.quant, request.kvCacheType);
    this.ubatch = runtime.fit.ubatchTokens != null ? runtime.fit.ubatchTokens : engine.k("ubatch");
    this.contextTokens = request.contextTokens;
    this.parallelSequences = request.parallelSequences;
    this.expertFLOPsPerMoELayer = 2 * model.activeExperts * 3 * model.hiddenSize * model.expertIntermediateSize;
    this.kvBytesPerLayerFull = kvBytesPerLayer(this.footprint, request.contextTokens, this.ubatch) * request.parallelSequences;
    this.kvBytesPerLayerStart = kvBytesPerLayer(this.footprint, 1, this.ubatch);
    this.kvBytesPerLayerEnd = kvBytesPerLayer(this.footprint, request.contextTokens, this.ubatch);
    var mixed = false;
    if (!runtime.mixedVendors) {
      for (var i = 0; i < devices.length; i++) if (devices[i].vendor !== devices[0].vendor) mixed = true;
    }
    this.vendorsMixed = mixed;
    this.all = devices.map(function (_, index) { return index; });
  }

  Context.prototype.k = function (symbol) { return this.engine.k(symbol); };

  function evaluationBetter(a, b) {
    if (a.verdict !== b.verdict) return verdictLess(a.verdict, b.verdict);
    if (a.verdict === "no-fit") return a.minimumHeadroom > b.minimumHeadroom;
    return a.decodeSeconds < b.decodeSeconds;
  }

  Context.prototype.choose = function () {
    var self = this;
    var best = null;
    var bestPlan = null;
    var runnerUp = null;
    function visit(plan) {
      var evaluation = self.evaluatePlan(plan, null);
      if (!best) { best = evaluation; bestPlan = plan; return; }
      if (evaluationBetter(evaluation, best)) {
        if (best.strategy !== evaluation.strategy) runnerUp = best;
        best = evaluation;
        bestPlan = plan;
      } else if (evaluation.strategy !== best.strategy && (!runnerUp || evaluationBetter(evaluation, runnerUp))) {
        runnerUp = evaluation;
      }
    }
    var refused = this.candidatePlans(visit);
    if (!best || best.verdict === "no-fit") this.fallbackPlans(visit);
    return { best: best, plan: bestPlan, runnerUp: runnerUp, refused: refused };
  };

  Context.prototype.evaluate = function () {
    var choice = this.choose();
    var engine = this.engine;
    if (!choice.best) {
      return {
        verdict: "unsupported", strategy: null,
        unsupportedReason: choice.refused.length ? choice.refused[0].reason : this.runtime.name + " offers no strategy for this hardware",
        ledger: [], decode: null, prefill: null, runnerUp: null, refused: choice.refused, notes: this.notes, footprint: this.footprint
      };
    }
    var best = choice.best;
    var factor = this.runtime.fit.decodeFactor != null ? this.runtime.fit.decodeFactor : 1;
    var notes = this.notes.slice();
    var plan = choice.plan;
    var link = this.hardware.link;
    if (plan.transport && link && plan.transport !== link.transport) {
      notes.push(this.runtime.name + " carries this split over " + engine.label("transport", plan.transport) + " on the "
        + engine.label("interconnect", link.interconnect) + " link, not " + engine.label("transport", link.transport));
    }
    return {
      verdict: best.verdict, strategy: best.strategy, unsupportedReason: null, ledger: this.ledger(plan),
      decode: engine.speedEstimate(factor / best.decodeSeconds, factor / best.decodeSecondsFullContext),
      prefill: best.prefillSecondsPerToken == null ? null : engine.speedEstimate(1 / best.prefillSecondsPerToken),
      runnerUp: choice.runnerUp ? { strategy: choice.runnerUp.strategy, verdict: choice.runnerUp.verdict, decodeTokensPerSecond: 1 / choice.runnerUp.decodeSeconds } : null,
      refused: choice.refused, notes: notes, footprint: this.footprint
    };
  };

  Engine.prototype.speedEstimate = function (value, atFullContext) {
    var full = atFullContext == null ? value : atFullContext;
    var band = this.k("band");
    return { tokensPerSecond: value, atFullContext: full, low: full * (1 - band), high: value * (1 + band) };
  };

  Context.prototype.candidatePlans = function (visit) {
    var self = this;
    var engine = this.engine;
    var refused = [];
    var runtime = this.runtime;
    var allowed = runtime.splitStrategies;
    var hostCount = this.hardware.hosts.length;
    var devices = this.devices;
    function refuse(strategy, reason) { refused.push({ strategy: strategy, verdict: "unsupported", reason: reason }); }
    function vendors() {
      var seen = [];
      devices.forEach(function (d) { if (!contains(seen, d.vendor)) seen.push(d.vendor); });
      var order = engine.data.vendorOrder;
      return seen.sort(function (a, b) { return order.indexOf(a) - order.indexOf(b); })
        .map(function (v) { return engine.label("vendor", v); });
    }
    var i;
    for (i = 0; i < devices.length; i++) {
      var seenBefore = false;
      for (var j = 0; j < i; j++) if (devices[j].id === devices[i].id) seenBefore = true;
      if (!seenBefore) visit({ strategy: "single-device", devices: [i], layerCounts: null, cpuLayers: 0, cpuExpertLayers: 0, tensorParallel: false, transport: null });
    }
    var mixedText = function () { return runtime.name + " cannot mix " + listing(vendors(), "and") + " devices in one model"; };
    if (hostCount === 1 && devices.length > 1) {
      if (contains(allowed, "layer-split")) {
        if (this.vendorsMixed) refuse("layer-split", mixedText());
        else visit(this.layerSplitPlan("layer-split", this.all));
      }
      if (contains(allowed, "tensor-parallel")) {
        var refusal = this.tensorParallelRefusal(devices.length) || (this.vendorsMixed ? mixedText() : null);
        if (refusal) refuse("tensor-parallel", refusal);
        else visit({ strategy: "tensor-parallel", devices: this.all, layerCounts: null, cpuLayers: 0, cpuExpertLayers: 0, tensorParallel: true, transport: null });
      }
    }
    if (hostCount === 1 && !this.vendorsMixed && contains(allowed, "moe-expert-offload") && !this.model.isMoE
        && devices.some(function (d) { return !d.isUnified; })) {
      refuse("moe-expert-offload", this.model.name + " is a dense model; only mixture-of-experts models can leave experts in system RAM");
    }
    if (hostCount > 1) {
      var multi = runtime.multiHost.supported;
      if (!multi) refuse("multi-host-pipeline", runtime.name + " runs a model within one machine; it cannot span these " + hostCount);
      if (multi && contains(allowed, "multi-host-pipeline")) {
        var transport = this.transport(false);
        if (transport) {
          var plan = this.layerSplitPlan("multi-host-pipeline", this.all);
          plan.transport = transport;
          visit(plan);
        } else {
          var link = this.hardware.link;
          refuse("multi-host-pipeline", runtime.name + " cannot carry traffic over "
            + (link ? engine.label("interconnect", link.interconnect) + " " + engine.label("transport", link.transport) : "this link"));
        }
      }
      if (multi && contains(allowed, "multi-host-tensor-parallel")) {
        var tpRefusal = this.tensorParallelRefusal(devices.length);
        if (tpRefusal) refuse("multi-host-tensor-parallel", tpRefusal);
        else {
          var tpTransport = this.transport(true);
          if (tpTransport) visit({ strategy: "multi-host-tensor-parallel", devices: this.all, layerCounts: null, cpuLayers: 0, cpuExpertLayers: 0, tensorParallel: true, transport: tpTransport });
          else refuse("multi-host-tensor-parallel", runtime.name + " cannot carry tensor-parallel traffic over this link");
        }
      }
    }
    return refused;
  };

  Context.prototype.fallbackPlans = function (visit) {
    if (this.hardware.hosts.length !== 1 || this.vendorsMixed) return;
    var devices = this.devices;
    var gpus = this.all.filter(function (i) { return !devices[i].isUnified; });
    if (gpus.length === 0) return;
    if (contains(this.runtime.splitStrategies, "cpu-layer-offload")) visit(this.offloadPlan(gpus));
    if (contains(this.runtime.splitStrategies, "moe-expert-offload") && this.model.isMoE) visit(this.expertOffloadPlan(gpus));
  };

  Context.prototype.tensorParallelRefusal = function (count) {
    var model = this.model;
    var fit = this.runtime.fit;
    var self = this;
    if (contains(fit.tensorParallelExcludes, model.attention)) {
      return this.runtime.name + " does not split " + model.name + " by tensors: models with "
        + this.engine.label("attention", model.attention).toLowerCase() + " are on its exclusion list";
    }
    if (fit.tensorParallelBackends.length > 0) {
      for (var t = 0; t < this.terms.length; t++) {
        if (!contains(fit.tensorParallelBackends, this.terms[t].backend)) {
          return this.runtime.name + " splits by tensors only on "
            + listing(fit.tensorParallelBackends.map(function (b) { return self.engine.label("backend", b); }))
            + ", not " + this.engine.label("backend", this.terms[t].backend);
        }
      }
    }
    for (var i = 0; i < fit.tensorParallelDivides.length; i++) {
      var dimension = fit.tensorParallelDivides[i];
      var value = dimension === "attention_heads" ? model.attentionHeads : dimension === "kv_heads" ? model.kvHeads : model.hiddenSize;
      if (value % count !== 0) {
        return model.name + " has " + value + " " + this.engine.label("dimension", dimension) + ", which do not divide by " + count + " devices";
      }
    }
    if (!contains(fit.tensorParallelKVCacheTypes, this.request.kvCacheType)) {
      return this.runtime.name + " allows only a " + listing(fit.tensorParallelKVCacheTypes.map(function (t) { return self.engine.label("kv", t); }))
        + " KV cache with tensor parallelism";
    }
    return null;
  };

  Context.prototype.transport = function () {
    var link = this.hardware.link;
    if (!link) return null;
    var multi = this.runtime.multiHost;
    if (link.transport === "rdma" && contains(multi.transports, "rdma")) {
      var meshOK = !multi.rdmaNeedsFullMesh || link.shape === "full-mesh";
      var platformOK = link.interconnect !== "thunderbolt-5" || this.hardware.hosts.every(function (h) { return h.platform.rdmaOverThunderbolt5; });
      if (meshOK && platformOK) return "rdma";
    }
    if ((link.transport === "tcp-ip" || contains(["thunderbolt-4", "thunderbolt-5", "usb4", "ethernet"], link.interconnect))
        && contains(multi.transports, "tcp-ip")) return "tcp-ip";
    return null;
  };

  Context.prototype.fixedBytes = function (index, first, last, holdsExperts) {
    var fp = this.footprint;
    var model = this.model;
    var fit = this.runtime.fit;
    var weights = 0;
    if (last) weights += fp.outputBytes;
    if (first && !fit.embeddingsOnHost && !(model.tiedEmbeddings && last)) weights += fp.embeddingBytes;
    var hidden = model.hiddenSize;
    var bytes = this.k("b_act");
    var buffers = bytes * this.ubatch * (last ? hidden + model.vocabSize : 4 * hidden);
    if (!fit.flashAttention) {
      buffers += bytes * this.ubatch * (this.contextTokens * this.parallelSequences) * model.attentionHeads;
    }
    if (holdsExperts && model.isMoE) buffers += bytes * this.ubatch * model.activeExperts * model.expertIntermediateSize;
    return { weights: weights, buffers: buffers };
  };

  Context.prototype.layerSplitPlan = function (strategy, indices) {
    var fp = this.footprint;
    var layers = fp.layers;
    var perLayer = fp.totalWeightBytes / layers + this.kvBytesPerLayerFull;
    var self = this;
    var room = indices.map(function (index, position) {
      var fixed = self.fixedBytes(index, position === 0, position === indices.length - 1, self.model.isMoE);
      return Math.max(0, self.terms[index].usable.capacityBytes() - fixed.weights - fixed.buffers);
    });
    var counts;
    if (this.runtime.fit.layerSplit === "even") {
      counts = even(layers, indices.length);
    } else {
      counts = proportional(layers, room);
      var layerBytes = Math.max(perLayer, 1);
      repair(counts, function (i) { return Math.floor(room[i] / layerBytes); });
    }
    return { strategy: strategy, devices: indices, layerCounts: counts, cpuLayers: 0, cpuExpertLayers: 0, tensorParallel: false, transport: null };
  };

  Context.prototype.offloadRoom = function (index, first, last, holdsExperts) {
    var fixed = this.fixedBytes(index, first, last, holdsExperts);
    var usable = this.terms[index].usable;
    var headroom = usable.usableBytesForVerdict() * this.k("h_fits");
    return Math.max(0, usable.capacityBytes() - fixed.weights - fixed.buffers - headroom);
  };

  Context.prototype.maximumLayers = function (index, first, last) {
    var fp = this.footprint;
    var perLayer = Math.max(fp.totalWeightBytes / fp.layers + this.kvBytesPerLayerFull, 1);
    return Math.floor(this.offloadRoom(index, first, last, this.model.isMoE) / perLayer);
  };

  Context.prototype.offloadPlan = function (gpus) {
    var self = this;
    var maxima = gpus.map(function (index, position) { return self.maximumLayers(index, false, position === gpus.length - 1); });
    var sum = 0;
    maxima.forEach(function (m) { sum += m; });
    var onGPU = Math.min(this.footprint.layers, sum);
    var counts = repair(proportional(onGPU, maxima), function (i) { return maxima[i]; });
    var placed = 0;
    counts.forEach(function (c) { placed += c; });
    return { strategy: "cpu-layer-offload", devices: gpus, layerCounts: counts, cpuLayers: this.footprint.layers - placed, cpuExpertLayers: 0, tensorParallel: false, transport: null };
  };

  Context.prototype.expertOffloadPlan = function (gpus) {
    var self = this;
    var fp = this.footprint;
    var plan = { strategy: "moe-expert-offload", devices: gpus, layerCounts: null, cpuLayers: 0, cpuExpertLayers: 0, tensorParallel: false, transport: null };
    var rooms = gpus.map(function (index, position) { return self.offloadRoom(index, position === 0, position === gpus.length - 1, true); });
    var everything = fp.totalWeightBytes - fp.embeddingBytes - fp.outputBytes + this.kvBytesPerLayerFull * fp.layers;
    var roomSum = 0;
    rooms.forEach(function (r) { roomSum += r; });
    var excess = everything - roomSum;
    var expertLayer = Math.max(fp.expertBytesPerMoELayer, 1);
    var offloaded = Math.min(fp.moeLayers, Math.max(0, Math.ceil(excess / expertLayer)));
    var cutoff = fp.layers - fp.moeLayers + offloaded;
    var costs = [];
    for (var l = 0; l < fp.layers; l++) costs.push(fp.denseBytesPerLayer + this.kvBytesPerLayerFull);
    for (var m = cutoff; m < fp.layers; m++) costs[m] += fp.expertBytesPerMoELayer;
    for (;;) {
      var counts = contiguous(costs, rooms);
      plan.layerCounts = counts;
      plan.cpuExpertLayers = offloaded;
      var start = 0;
      var overflows = false;
      for (var device = 0; device < counts.length; device++) {
        var sum = 0;
        for (var k = start; k < start + counts[device]; k++) sum += costs[k];
        if (sum > rooms[device]) overflows = true;
        start += counts[device];
      }
      if (!overflows || offloaded >= fp.moeLayers) return plan;
      offloaded += 1;
      costs[cutoff] -= fp.expertBytesPerMoELayer;
      cutoff += 1;
    }
  };

  // ---- Evaluation ----

  function headroomOf(load) {
    var usable = Math.max(0, load.limit - load.margin);
    return usable > 0 ? (usable - load.weights - load.kv - load.buffers - load.overhead) / usable : -1;
  }

  Context.prototype.load = function (index, weights, kv, buffers, first, layers) {
    var usable = this.terms[index].usable;
    return { device: index, host: this.devices[index].host, limit: usable.limitBytes, margin: usable.marginBytes,
      overhead: usable.overheadBytes, weights: weights, kv: kv, buffers: buffers, first: first, layers: layers };
  };

  function sinkVerdict(minimum, comfortable) {
    if (minimum === Infinity || minimum < 0) return "no-fit";
    return minimum >= comfortable ? "fits" : "tight";
  }

  /** Evaluates a plan; when `loads` is an array, the per-device loads are recorded in it. */
  Context.prototype.evaluatePlan = function (plan, loads) {
    return plan.tensorParallel ? this.evaluateTensorParallel(plan, loads) : this.evaluateLayerSplit(plan, loads);
  };

  Context.prototype.evaluateLayerSplit = function (plan, loads) {
    var fp = this.footprint;
    var model = this.model;
    var engine = this.engine;
    var minimum = Infinity;
    function add(load, atStart) {
      var headroom = headroomOf(load);
      if (headroom < minimum) minimum = headroom;
      if (loads) { if (atStart) loads.unshift(load); else loads.push(load); }
    }
    var layer = plan.cpuLayers;
    var seconds = 0;
    var secondsFull = 0;
    var prefill = 0;
    var expertCutoff = fp.layers - fp.moeLayers + plan.cpuExpertLayers;
    var prefillPerLayer = this.prefillFLOPsPerLayer();
    var moeRead = this.k("η_moe");
    var count;
    for (var position = 0; position < plan.devices.length; position++) {
      var index = plan.devices[position];
      count = plan.layerCounts == null ? fp.layers - plan.cpuLayers : plan.layerCounts[position];
      var first = position === 0 && plan.cpuLayers === 0;
      var last = position === plan.devices.length - 1;
      var moeStart = fp.layers - fp.moeLayers;
      var moeHere = Math.max(0, (layer + count) - Math.max(layer, moeStart));
      var expertsOnGPU = Math.max(0, (layer + count) - Math.max(layer, moeStart, expertCutoff));
      var weights = count * fp.denseBytesPerLayer + expertsOnGPU * fp.expertBytesPerMoELayer;
      var read = count * fp.denseBytesPerLayer + expertsOnGPU * fp.expertBytesPerMoELayer * fp.expertActiveShare / moeRead;
      var fixed = this.fixedBytes(index, first, last, expertsOnGPU > 0);
      weights += fixed.weights;
      if (last) read += fp.outputBytes;
      var kv = this.kvBytesPerLayerFull * count;
      add(this.load(index, weights, kv, fixed.buffers, layer, count), false);
      var active = fp.activeParamsPerLayer * count + (last ? model.vocabSize * model.hiddenSize : 0);
      seconds += this.decodeSeconds(index, read, this.kvBytesPerLayerStart * count, count, moeHere, active);
      secondsFull += this.decodeSeconds(index, read, this.kvBytesPerLayerEnd * count, count, moeHere, active);
      var flops = this.terms[index].prefillFLOPS;
      if (flops != null && prefill != null) {
        prefill = prefill + (prefillPerLayer * count + (last ? 2 * (model.vocabSize * model.hiddenSize) : 0)
          + this.expertPrefillPenalty(index) * moeHere) / flops;
      } else {
        prefill = null;
      }
      layer += count;
    }

    if ((plan.cpuLayers > 0 || plan.cpuExpertLayers > 0) && plan.devices.length > 0) {
      var hostIndex = this.devices[plan.devices[0]].host;
      var host = this.hardware.hosts[hostIndex];
      var hostWeights = 0;
      var hostRead = 0;
      for (var l = 0; l < plan.cpuLayers; l++) {
        hostWeights += weightBytesOfLayer(fp, l);
        hostRead += engine.bytesReadOfLayer(fp, l);
      }
      var start = fp.layers - fp.moeLayers;
      var offloadedExperts = Math.max(0, Math.min(plan.cpuExpertLayers, fp.moeLayers));
      for (var e = start; e < start + offloadedExperts; e++) {
        if (e < plan.cpuLayers) continue;
        hostWeights += fp.expertBytesPerMoELayer;
        hostRead += fp.expertBytesPerMoELayer * fp.expertActiveShare / moeRead;
      }
      if (this.runtime.fit.embeddingsOnHost) hostWeights += fp.embeddingBytes;
      var unifiedUse = 0;
      for (var u = 0; u < this.devices.length; u++) {
        if (this.devices[u].host === hostIndex && this.devices[u].isUnified) unifiedUse += this.terms[u].usable.limitBytes;
      }
      var limit = Math.max(0, host.ramBytes - (host.platform.osReserveGB + this.k("K_proc")) * GIB - unifiedUse);
      add({ device: null, host: hostIndex, limit: limit, margin: 0, overhead: 0, weights: hostWeights,
        kv: this.kvBytesPerLayerFull * plan.cpuLayers, buffers: 0, first: 0, layers: plan.cpuLayers }, true);
      seconds += engine.cpuDecodeSeconds(host, hostRead + this.kvBytesPerLayerStart * plan.cpuLayers, plan.cpuLayers);
      secondsFull += engine.cpuDecodeSeconds(host, hostRead + this.kvBytesPerLayerEnd * plan.cpuLayers, plan.cpuLayers);
      if (prefill != null) {
        var gpu = this.devices[plan.devices[0]];
        var copyBandwidth = (gpu.hostLinkBytesPerSecond != null ? gpu.hostLinkBytesPerSecond : 16e9) * this.k("η_pcie");
        prefill = prefill + hostWeights / copyBandwidth / this.ubatch;
      }
    }

    var hops = this.hopSeconds(plan.devices, plan.transport);
    seconds += hops;
    secondsFull += hops;
    return { strategy: plan.strategy, verdict: sinkVerdict(minimum, this.k("h_fits")), minimumHeadroom: minimum,
      decodeSeconds: seconds, decodeSecondsFullContext: secondsFull, prefillSecondsPerToken: prefill };
  };

  Context.prototype.evaluateTensorParallel = function (plan, loads) {
    var fp = this.footprint;
    var model = this.model;
    var engine = this.engine;
    var n = plan.devices.length;
    var layers = fp.layers;
    // A latent (MLA) cache belongs to no head: every device keeps all of it.
    var kvShare = model.attention === "mla" ? 1 : Math.max(1, Math.trunc(model.kvHeads / plan.devices.length)) / model.kvHeads;
    var weights = (fp.totalWeightBytes - (this.runtime.fit.embeddingsOnHost ? fp.embeddingBytes : 0)) / n;
    var kv = this.kvBytesPerLayerFull * layers * kvShare;
    var minimum = Infinity;
    var seconds = 0;
    var secondsFull = 0;
    var prefill = 0;
    var read = (layers * fp.denseBytesPerLayer
      + fp.moeLayers * fp.expertBytesPerMoELayer * fp.expertActiveShare / this.k("η_moe")
      + fp.outputBytes) / n;
    var kvStart = this.kvBytesPerLayerStart * layers * kvShare;
    var kvEnd = this.kvBytesPerLayerEnd * layers * kvShare;
    var active = fp.activeParams / n;
    var prefillFLOPs = (this.prefillFLOPsPerLayer() * layers + 2 * (model.vocabSize * model.hiddenSize)) / n;
    var expertFLOPs = fp.moeLayers / n;
    for (var p = 0; p < plan.devices.length; p++) {
      var index = plan.devices[p];
      var fixed = this.fixedBytes(index, false, true, model.isMoE);
      var load = this.load(index, weights, kv, fixed.buffers, 0, layers);
      var headroom = headroomOf(load);
      if (headroom < minimum) minimum = headroom;
      if (loads) loads.push(load);
      seconds = Math.max(seconds, this.decodeSeconds(index, read, kvStart, layers, fp.moeLayers, active));
      secondsFull = Math.max(secondsFull, this.decodeSeconds(index, read, kvEnd, layers, fp.moeLayers, active));
      var flops = this.terms[index].prefillFLOPS;
      if (flops != null && prefill != null) {
        prefill = Math.max(prefill, (prefillFLOPs + expertFLOPs * this.expertPrefillPenalty(index)) / flops);
      } else {
        prefill = null;
      }
    }
    var hostCount = this.hardware.hosts.length;
    var host = hostCount === 1 ? this.hardware.hosts[0] : null;
    var link = hostCount > 1 ? this.hardware.link : null;
    var allReduce = engine.allReduceSeconds(plan.devices.length, model.hiddenSize, host, link, plan.transport);
    seconds += 2 * layers * allReduce;
    secondsFull += 2 * layers * allReduce;
    if (prefill != null) {
      var bandwidth = link ? link.bytesPerSecond : ((host && host.deviceLink) ? host.deviceLink.bandwidthGBs : 16) * GB;
      var payload = 2 * (n - 1) / n * model.hiddenSize * 2;
      prefill = prefill + 2 * layers * (allReduce / this.ubatch + payload / bandwidth);
    }
    return { strategy: plan.strategy, verdict: sinkVerdict(minimum, this.k("h_fits")), minimumHeadroom: minimum,
      decodeSeconds: seconds, decodeSecondsFullContext: secondsFull, prefillSecondsPerToken: prefill };
  };

  Context.prototype.decodeSeconds = function (index, read, kv, layers, moeLayers, active) {
    var terms = this.terms[index];
    var seconds = (read + kv) / terms.bandwidth + layers * terms.layerSeconds + moeLayers * this.k("τ_moe") * 1e-6;
    var shader = this.devices[index].shaderFLOPS;
    if (shader != null) seconds += 2 * active / (this.k("κ") * shader);
    return seconds / terms.backendFactor;
  };

  Context.prototype.expertPrefillPenalty = function (index) {
    var backend = this.terms[index].backend;
    if (!this.model.isMoE || (backend !== "cuda" && backend !== "rocm")) return 0;
    return this.expertFLOPsPerMoELayer * (1 / this.k("K_pp,moe") - 1);
  };

  Context.prototype.prefillFLOPsPerLayer = function () {
    var fp = this.footprint;
    var model = this.model;
    var position = this.request.cachedTokens + this.request.promptTokens / 2;
    var attended = fp.slidingWindowTokens != null ? Math.min(position, fp.slidingWindowTokens) : position;
    var fullShare = fp.fullAttentionLayers / fp.layers;
    var attentionPerToken = 4 * (model.attentionHeads * model.headDim)
      * (fullShare * position + (1 - fullShare) * (fp.slidingWindowTokens == null ? 0 : attended));
    return 2 * fp.activeParamsPerLayer + attentionPerToken;
  };

  Context.prototype.hopSeconds = function (indices, transport) {
    var total = 0;
    for (var i = 0; i + 1 < indices.length; i++) {
      var hostA = this.devices[indices[i]].host;
      var hostB = this.devices[indices[i + 1]].host;
      if (hostA === hostB) total += this.engine.hopSecondsBetween(this.hardware.hosts[hostA], null, null, this.model.hiddenSize);
      else total += this.engine.hopSecondsBetween(null, this.hardware.link, transport, this.model.hiddenSize);
    }
    return total;
  };

  Context.prototype.ledger = function (plan) {
    var loads = [];
    this.evaluatePlan(plan, loads);
    var self = this;
    var fp = this.footprint;
    return loads.map(function (load) {
      var entry;
      if (load.device != null) {
        var device = self.devices[load.device];
        var note = null;
        if (plan.tensorParallel) note = "1/" + plan.devices.length + " of every layer";
        else if (plan.cpuExpertLayers > 0 && load.layers > 0) note = "experts of the first " + plan.cpuExpertLayers + " MoE layers are in system RAM";
        var usable = self.terms[load.device].usable;
        entry = { label: device.label, deviceName: device.name, isHostRAM: false, limitBytes: load.limit, rule: usable.rule,
          isDefaultWiredLimit: usable.isDefaultWiredLimit, marginBytes: load.margin, overheadBytes: load.overhead,
          weightBytes: load.weights, kvBytes: load.kv, bufferBytes: load.buffers, firstLayer: load.first, layers: load.layers, note: note };
      } else {
        var host = self.hardware.hosts[load.host];
        var unifiedUse = 0;
        for (var u = 0; u < self.devices.length; u++) {
          if (self.devices[u].host === load.host && self.devices[u].isUnified) unifiedUse += self.terms[u].usable.limitBytes;
        }
        var experts = Math.max(0, Math.min(plan.cpuExpertLayers, fp.moeLayers));
        entry = { label: "System RAM", deviceName: host.label, isHostRAM: true, limitBytes: load.limit,
          rule: gibText(host.ramBytes / GIB) + " system RAM minus " + gibText(host.platform.osReserveGB) + " for " + host.platform.name
            + " and " + gibText(self.k("K_proc")) + " for the runtime process" + (unifiedUse > 0 ? ", minus " + gibText(unifiedUse / GIB) + " the GPU uses" : ""),
          isDefaultWiredLimit: false, marginBytes: 0, overheadBytes: 0, weightBytes: load.weights, kvBytes: load.kv, bufferBytes: 0,
          firstLayer: 0, layers: load.layers, note: experts > 0 ? "routed experts of " + experts + " MoE layers" : null };
      }
      entry.usableBytes = Math.max(0, entry.limitBytes - entry.marginBytes);
      entry.neededBytes = entry.weightBytes + entry.kvBytes + entry.bufferBytes + entry.overheadBytes;
      entry.headroomBytes = entry.usableBytes - entry.neededBytes;
      entry.headroom = entry.usableBytes > 0 ? entry.headroomBytes / entry.usableBytes : -1;
      return entry;
    });
  };

  // ---- Public entry points ----

  Engine.prototype.evaluate = function (request, hardware) {
    var context = this.context(request, hardware);
    var result;
    if (context.unsupported !== undefined) {
      result = { verdict: "unsupported", strategy: null, unsupportedReason: context.unsupported, ledger: [], decode: null, prefill: null,
        runnerUp: null, refused: [], notes: [], footprint: null };
    } else {
      result = context.evaluate();
    }
    result.minimumHeadroom = result.ledger.length ? Math.min.apply(null, result.ledger.map(function (d) { return d.headroom; })) : -1;
    result.bindingConstraint = bindingConstraint(result);
    return result;
  };

  function contents(device) {
    var parts = ["weights " + gibText(device.weightBytes / GIB)];
    if (device.kvBytes > 0) parts.push("KV cache " + gibText(device.kvBytes / GIB));
    if (device.bufferBytes > 0) parts.push("buffers " + gibText(device.bufferBytes / GIB));
    if (device.overheadBytes > 0) parts.push("runtime overhead " + gibText(device.overheadBytes / GIB));
    return listing(parts, "and");
  }

  function bindingConstraint(result) {
    if (result.unsupportedReason) return result.unsupportedReason;
    if (!result.ledger.length) return "nothing to place";
    var worst = result.ledger[0];
    result.ledger.forEach(function (d) { if (d.headroom < worst.headroom) worst = d; });
    var parts = contents(worst);
    if (result.verdict === "no-fit") {
      return worst.label + " is " + gibText(-worst.headroomBytes / GIB) + " short: " + parts + " need " + gibText(worst.neededBytes / GIB)
        + " of " + gibText(worst.usableBytes / GIB) + " usable";
    }
    if (result.verdict === "tight") {
      return worst.label + " keeps only " + gibText(worst.headroomBytes / GIB) + " free (" + percent(Math.max(0, worst.headroom)) + ") after " + parts;
    }
    return "the tightest device, " + worst.label + ", keeps " + gibText(worst.headroomBytes / GIB) + " free (" + percent(worst.headroom) + ")";
  }

  // ---- Fixes (FitFixes.swift) ----

  Engine.prototype.longestFittingContext = function (request, hardware) {
    var self = this;
    function fits(tokens) {
      var changed = copyRequest(request, { contextTokens: tokens, promptTokens: Math.min(request.promptTokens, tokens) });
      var verdict = self.evaluate(changed, hardware).verdict;
      return verdict === "fits" || verdict === "tight";
    }
    if (!fits(1024)) return null;
    var low = 1;
    var high = Math.max(1, Math.trunc(request.model.maxContext / 1024));
    if (fits(high * 1024)) return high * 1024;
    while (high - low > 1) {
      var middle = Math.trunc((low + high) / 2);
      if (fits(middle * 1024)) low = middle; else high = middle;
    }
    return low * 1024;
  };

  Engine.prototype.fixes = function (request, hardware, result, limit) {
    limit = limit || 3;
    if (result.verdict === "fits") return [];
    var self = this;
    var data = this.data;
    var fixes = [];
    function consider(change, description, changed, changedHardware) {
      if (fixes.length >= limit) return;
      var candidate = self.evaluate(changed, changedHardware);
      var better = verdictLess(candidate.verdict, result.verdict)
        || (candidate.verdict === result.verdict && candidate.verdict === "tight" && candidate.minimumHeadroom > result.minimumHeadroom + 0.05);
      if (!better || candidate.verdict === "unsupported") return;
      fixes.push({ change: change, description: description, result: candidate });
    }
    var model = request.model;
    if (result.verdict !== "unsupported") {
      var current = request.quant.footprint.totalWeightBytes;
      var smaller = model.quants
        .filter(function (q) { return contains(request.runtime.formats, q.format) && q.name !== request.quant.name; })
        .map(function (q) { return [q, q.footprint.totalWeightBytes]; })
        .filter(function (entry) { return entry[1] < current; });
      // Largest first, stable on ties, as Swift's sort does here.
      smaller = smaller.map(function (e, i) { return [e[0], e[1], i]; })
        .sort(function (a, b) { return a[1] !== b[1] ? b[1] - a[1] : a[2] - b[2]; });
      for (var i = 0; i < smaller.length; i++) {
        var before = fixes.length;
        consider({ quant: smaller[i][0].name },
          "use " + smaller[i][0].name + " (" + gibText(smaller[i][1] / GIB) + " of weights instead of " + gibText(current / GIB) + ")",
          copyRequest(request, { quant: smaller[i][0] }), hardware);
        if (fixes.length > before) break;
      }
      var tokens = this.longestFittingContext(request, hardware);
      if (tokens != null && tokens < request.contextTokens) {
        consider({ context: tokens }, "cut the context to " + tokens + " tokens",
          copyRequest(request, { contextTokens: tokens, promptTokens: Math.min(request.promptTokens, tokens) }), hardware);
      }
      if ((request.kvCacheType === "f16" || request.kvCacheType === "bf16") && contains(request.runtime.fit.kvCacheTypes, "q8_0")) {
        consider({ kvCacheType: "q8_0" }, "store the KV cache as q8_0 (half the size of f16)", copyRequest(request, { kvCacheType: "q8_0" }), hardware);
      }
      if (!request.raisedWiredLimit && result.ledger.some(function (d) { return d.isDefaultWiredLimit; })) {
        var command = hardware.hosts.length && hardware.hosts[0].platform.raiseWiredLimit != null
          ? " with `" + hardware.hosts[0].platform.raiseWiredLimit + "`" : "";
        consider({ raiseWiredLimit: true }, "raise the GPU wired limit" + command, copyRequest(request, { raisedWiredLimit: true }), hardware);
      }
      var lastDevice = hardware.devices[hardware.devices.length - 1];
      if (hardware.hosts.length === 1 && lastDevice && !lastDevice.isUnified && data.devices[lastDevice.id]) {
        var list = [];
        hardware.devices.forEach(function (d) {
          for (var j = 0; j < list.length; j++) if (list[j][0] === d.id) { list[j][1] += 1; return; }
          list.push([d.id, 1]);
        });
        for (var j = 0; j < list.length; j++) if (list[j][0] === lastDevice.id) list[j][1] += 1;
        var host = hardware.hosts[0];
        var bigger = this.hardwareOfDevices(list, host.platform.id, host.ramBytes / GIB, host.deviceLink);
        consider({ addDevice: lastDevice.id }, "add one more " + data.devices[lastDevice.id].name, request, bigger);
      }
    }
    var target = request.quant.bitsPerWeight != null ? request.quant.bitsPerWeight : request.quant.footprint.bitsPerWeight;
    data.runtimeOrder.forEach(function (id) {
      var runtime = data.runtimes[id];
      if (id === request.runtime.id) return;
      if (!hardware.hosts.every(function (h) { return contains(runtime.platforms, h.platform.family); })) return;
      var best = null;
      model.quants.forEach(function (q) {
        if (!contains(runtime.formats, q.format)) return;
        if (best === null || Math.abs(q.footprint.bitsPerWeight - target) < Math.abs(best.footprint.bitsPerWeight - target)) best = q;
      });
      if (!best) return;
      var changed = copyRequest(request, { runtime: runtime, quant: best });
      if (!contains(runtime.fit.kvCacheTypes, changed.kvCacheType)) changed.kvCacheType = runtime.fit.kvCacheTypes[0];
      consider({ runtime: id, quant: best.name }, "run it with " + runtime.name + " (" + best.name + ")", changed, hardware);
    });
    return fixes;
  };

  // ---- Choices shared with the site (FitChoices.swift) ----

  Engine.prototype.isBetter = function (a, b) {
    if (a.verdict !== b.verdict) return verdictLess(a.verdict, b.verdict);
    if (a.verdict === "no-fit") return a.minimumHeadroom > b.minimumHeadroom;
    return (a.decode ? a.decode.tokensPerSecond : 0) > (b.decode ? b.decode.tokensPerSecond : 0);
  };

  /** Runtimes that run on every host's OS, drive at least one device, and span the machines. */
  Engine.prototype.runtimesFor = function (hardware) {
    var data = this.data;
    return data.runtimeOrder.map(function (id) { return data.runtimes[id]; }).filter(function (runtime) {
      return hardware.hosts.every(function (h) { return contains(runtime.platforms, h.platform.family); })
        && hardware.devices.some(function (d) { return d.backends.some(function (b) { return contains(runtime.backends, b); }); })
        && (hardware.hosts.length === 1 || runtime.multiHost.supported);
    });
  };

  Engine.prototype.gibText = gibText;
  Engine.prototype.percent = percent;
  Engine.prototype.listing = listing;

  global.CombosFit = { Engine: Engine };
})(typeof window !== "undefined" ? window : this);
