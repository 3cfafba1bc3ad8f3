// The combo index's filters, live: each filter link toggles its value instead of opening its
// page, values of different facets combine, and the choice is kept in the query string
// (?budget=under-4000&runs=llama-3.3-70b) so a copied link shows the same combos. Each card says
// which values it has in data-<facet> attributes written by the build; nothing here is typed in.
(function () {
  "use strict";
  var panel = document.getElementById("combo-filters");
  var list = document.getElementById("cards");
  // A list split into pages holds only some of the combos: its filter links open the
  // pre-rendered filter pages instead of hiding cards.
  if (!panel || !list || list.hasAttribute("data-paged")) return;
  var cards = Array.prototype.slice.call(list.children);
  var links = Array.prototype.slice.call(panel.querySelectorAll("a[data-facet]"));
  var status = document.getElementById("filter-count");
  var empty = document.getElementById("no-match");
  var facets = [];
  links.forEach(function (link) {
    if (facets.indexOf(link.dataset.facet) < 0) facets.push(link.dataset.facet);
  });
  var state = {};

  function has(card, facet, value) {
    return (card.getAttribute("data-" + facet) || "").split(" ").indexOf(value) >= 0;
  }
  function matches(card, chosen) {
    return Object.keys(chosen).every(function (facet) { return has(card, facet, chosen[facet]); });
  }
  function known(facet, value) {
    return links.some(function (link) { return link.dataset.facet === facet && link.dataset.value === value; });
  }
  function read() {
    var params = new URLSearchParams(window.location.search);
    state = {};
    facets.forEach(function (facet) {
      var value = params.get(facet);
      if (value && known(facet, value)) state[facet] = value;
    });
  }
  function query() {
    var parts = [];
    facets.forEach(function (facet) {
      if (state[facet]) parts.push(encodeURIComponent(facet) + "=" + encodeURIComponent(state[facet]));
    });
    return parts.length ? "?" + parts.join("&") : "";
  }
  function write() {
    var url = window.location.pathname + query();
    try { window.history.replaceState(null, "", url); } catch (error) { /* some file:// browsers refuse; the filter still works */ }
  }
  function render() {
    var shown = 0;
    cards.forEach(function (card) {
      var visible = matches(card, state);
      card.hidden = !visible;
      if (visible) shown += 1;
    });
    links.forEach(function (link) {
      var facet = link.dataset.facet, value = link.dataset.value;
      var on = state[facet] === value;
      if (on) link.setAttribute("aria-pressed", "true"); else link.setAttribute("aria-pressed", "false");
      // How many cards this link would show, with the other facets as they are.
      var next = {};
      Object.keys(state).forEach(function (key) { next[key] = state[key]; });
      next[facet] = value;
      var count = cards.filter(function (card) { return matches(card, next); }).length;
      var badge = link.querySelector(".n");
      if (badge) badge.textContent = String(count);
      link.classList.toggle("none", count === 0 && !on);
    });
    var total = cards.length;
    if (status) status.textContent = Object.keys(state).length ? "Showing " + shown + " of " + total + " combos" : total + " combos";
    if (empty) empty.hidden = shown !== 0;
    list.setAttribute("data-shown", String(shown));
  }

  panel.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-facet]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    var facet = link.dataset.facet, value = link.dataset.value;
    if (state[facet] === value) delete state[facet]; else state[facet] = value;
    write();
    render();
  });
  var clear = document.getElementById("filter-clear");
  if (clear) clear.addEventListener("click", function (event) {
    event.preventDefault();
    state = {};
    write();
    render();
  });
  window.addEventListener("popstate", function () { read(); render(); });

  // Live, the links toggle rather than navigate: say so to assistive technology.
  links.forEach(function (link) { link.setAttribute("role", "button"); });
  read();
  render();
  panel.classList.add("live");
  panel.setAttribute("data-ready", "true");
})();
