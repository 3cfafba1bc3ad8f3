// The search page: results as the reader types, from the index the build wrote
// (search-index.js assigns window.COMBOS_SEARCH_INDEX). Every word must appear in a record's
// title, summary, figures or kind; title matches rank first. The query is kept in ?q= so the
// header's form (and a shared link) opens with results.
(function () {
  "use strict";
  var index = window.COMBOS_SEARCH_INDEX || [];
  var input = document.getElementById("search-query");
  var form = document.getElementById("search-form");
  var results = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !results) return;
  var limit = 50;
  var prepared = index.map(function (entry) {
    return {
      entry: entry,
      title: entry.title.toLowerCase(),
      text: (entry.title + " " + entry.summary + " " + entry.specs + " " + entry.kind).toLowerCase()
    };
  });

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(function (word) { return word.length > 0; });
  }
  function search(query) {
    var terms = words(query);
    if (!terms.length) return [];
    var found = [];
    prepared.forEach(function (item, position) {
      if (!terms.every(function (term) { return item.text.indexOf(term) >= 0; })) return;
      var score = 0;
      terms.forEach(function (term) {
        if (item.title.indexOf(term) >= 0) score += 10;
        if (item.title.indexOf(term) === 0) score += 5;
      });
      found.push({ item: item, score: score, position: position });
    });
    found.sort(function (a, b) { return b.score - a.score || a.position - b.position; });
    return found.map(function (hit) { return hit.item.entry; });
  }
  function show(query) {
    var hits = search(query);
    results.textContent = "";
    hits.slice(0, limit).forEach(function (entry) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = entry.kind;
      var link = document.createElement("a");
      link.href = entry.url;
      link.textContent = entry.title;
      var summary = document.createElement("p");
      summary.textContent = entry.summary;
      var specs = document.createElement("p");
      specs.className = "muted";
      specs.textContent = entry.specs;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(link);
      if (entry.summary) li.appendChild(summary);
      if (entry.specs) li.appendChild(specs);
      results.appendChild(li);
    });
    if (!words(query).length) status.textContent = index.length + " records to search.";
    else if (!hits.length) status.textContent = "Nothing matches “" + query + "”.";
    else status.textContent = hits.length + (hits.length === 1 ? " result" : " results") + (hits.length > limit ? ", the first " + limit + " shown" : "") + ".";
    results.setAttribute("data-count", String(hits.length));
  }
  function keep(query) {
    var url = window.location.pathname + (query ? "?q=" + encodeURIComponent(query) : "");
    try { window.history.replaceState(null, "", url); } catch (error) { /* file:// in some browsers */ }
  }

  input.addEventListener("input", function () { show(input.value); keep(input.value); });
  if (form) form.addEventListener("submit", function (event) { event.preventDefault(); show(input.value); keep(input.value); });
  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  show(initial);
  results.setAttribute("data-ready", "true");
})();
