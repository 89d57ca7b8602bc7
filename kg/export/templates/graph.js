/* Rawabit graph page.  Every string from the data is attacker-controlled: it reaches the page
   only through textContent, element.value or vis-network plain-text labels; never as markup. */
(function () {
  "use strict";

  var I18N = {
    ar: {
      title: "روابط: شبكة الأخبار", search_label: "بحث", legend: "أنواع الكيانات", edge_types: "أنواع العلاقات",
      statuses: "حالة الحدث", dates: "التاريخ (السنة)", from: "من", to: "إلى", undated: "بما في ذلك غير المؤرَّخ",
      reset: "إعادة الضبط", empty: "لا توجد عُقد لعرضها", hint: "انقر على عقدة أو علاقة لعرض الأدلة.",
      placeholder: "ابحث عن اسم…", no_results: "لا نتائج", toggle: "English",
      nodes: "عقدة", edges: "علاقة", events: "حدث", documents: "وثيقة",
      type: "النوع", status: "الحالة", date: "التاريخ", place: "المكان", confidence: "الثقة", event: "الحدث",
      document: "الوثيقة", path: "الملف", extractor: "المستخرِج", english: "بالإنجليزية", aliases: "صيغ أخرى",
      wikidata: "ويكي بيانات", id: "المعرّف", mentions: "الإشارات", positions: "المناصب", relations: "العلاقات",
      evidence: "الأدلة", participants: "المشاركون", doc_date: "تاريخ الوثيقة", from_node: "من", to_node: "إلى",
      none: "—", no_evidence: "لا أدلة", more: "و{n} أخرى"
    },
    en: {
      title: "Rawabit: news graph", search_label: "Search", legend: "Entity types", edge_types: "Relation types",
      statuses: "Event status", dates: "Date (year)", from: "from", to: "to", undated: "include undated",
      reset: "Reset", empty: "Nothing to show", hint: "Click a node or a relation to see the evidence.",
      placeholder: "Search a name…", no_results: "No results", toggle: "العربية",
      nodes: "nodes", edges: "relations", events: "events", documents: "documents",
      type: "Type", status: "Status", date: "Date", place: "Place", confidence: "Confidence", event: "Event",
      document: "Document", path: "File", extractor: "Extractor", english: "English", aliases: "Other spellings",
      wikidata: "Wikidata", id: "Id", mentions: "Mentions", positions: "Positions", relations: "Relations",
      evidence: "Evidence", participants: "Participants", doc_date: "Document date", from_node: "From", to_node: "To",
      none: "—", no_evidence: "No evidence", more: "and {n} more"
    }
  };
  var FONT = '"Noto Naskh Arabic", "Noto Sans Arabic", Amiri, "Geeza Pro", Arial, sans-serif';
  var BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

  function mark(name) { if (window.performance && performance.mark) performance.mark(name); }
  mark("kg-start");
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  mark("kg-parsed");
  var meta = data.meta;
  var lang = "ar";
  var etypes = {}, rtypes = {}, stypes = {};
  meta.entity_types.forEach(function (t) { etypes[t.key] = t; });
  meta.edge_types.forEach(function (t) { rtypes[t.key] = t; });
  meta.statuses.forEach(function (t) { stypes[t.key] = t; });

  function tr(key) { return I18N[lang][key] || key; }
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  /* user text, isolated so that bidi controls (U+202E…) cannot reorder what is around it */
  function bdi(text) { var b = document.createElement("bdi"); b.textContent = text == null ? "" : String(text); return b; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function typeName(t, dict) { var d = dict[t]; return d ? (lang === "ar" ? d.ar : d.en) : String(t); }
  function bothNames(t, dict) { var d = dict[t]; return d ? d.ar + " · " + d.en : String(t); }
  function canvasText(s) { return String(s == null ? "" : s).replace(BIDI_CONTROLS, ""); }
  function yearOf(date) { var m = /^(\d{4})/.exec(date || ""); return m ? parseInt(m[1], 10) : null; }

  /* ---------------------------------------------------------------- Arabic normalization */
  var DIACRITICS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED\u0640\u200B-\u200F\u202A-\u202E\u2066-\u2069]/;
  var FOLD = { "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627", "\u0649": "\u064A",
               "\u06CC": "\u064A", "\u0629": "\u0647", "\u06A9": "\u0643" };
  /* normalized text plus, for every normalized UTF-16 unit, the index of its source unit */
  function normMap(s) {
    s = String(s == null ? "" : s);
    var out = [], map = [];
    for (var i = 0; i < s.length; i++) {
      var ch = s.charAt(i);
      if (DIACRITICS.test(ch)) continue;
      ch = FOLD[ch] || ch.toLowerCase();
      for (var j = 0; j < ch.length; j++) { out.push(ch.charAt(j)); map.push(i); }
    }
    return { text: out.join(""), map: map };
  }
  function norm(s) { return normMap(s).text.replace(/\s+/g, " ").trim(); }

  /* ---------------------------------------------------------------- nodes and edges */
  var N = data.nodes, E = data.edges;
  var nodeKeys = N.map(function (n) {
    return [n.ar, n.en].concat(n.al || []).filter(Boolean).map(norm).filter(Boolean);
  });
  var adj = N.map(function () { return []; });
  E.forEach(function (e, i) { adj[e.f].push(i); if (e.to !== e.f) adj[e.to].push(i); });

  function nodeTitle(n) {
    return canvasText(n.ar) + (n.en ? " · " + canvasText(n.en) : "") + "\n" + bothNames(n.t, etypes);
  }
  function edgeTitle(e) {
    return bothNames(e.t, rtypes) + " — " + bothNames(e.s, stypes) + (e.d ? " — " + canvasText(e.d) : "");
  }
  function edgeLabel(e) {
    if (!meta.edge_labels) return undefined;
    var t = rtypes[e.t];
    return t ? (lang === "ar" ? t.ar : t.en) : canvasText(e.t);
  }
  /* per-item options are kept minimal (groups and global defaults carry the rest): vis-network
     merges every per-item option object, which dominates start-up on big graphs */
  var visNodes = N.map(function (n, i) {
    var o = { id: i, title: nodeTitle(n), size: n.size, x: n.x, y: n.y, group: etypes[n.t] ? n.t : "_other" };
    if (meta.physics) o.label = canvasText(n.ar);
    return o;
  });
  var groups = { _other: { color: { background: "#a0a0a0", border: "#ffffff", highlight: { background: "#a0a0a0", border: "#1d1d1b" },
                                    hover: { background: "#a0a0a0", border: "#1d1d1b" } } } };
  meta.entity_types.forEach(function (t) {
    groups[t.key] = { color: { background: t.color, border: "#ffffff", highlight: { background: t.color, border: "#1d1d1b" },
                               hover: { background: t.color, border: "#1d1d1b" } } };
  });
  var visEdges = E.map(function (e, i) {
    var t = rtypes[e.t] || { color: "#888888", arrow: true };
    var s = stypes[e.s];
    var o = { id: i, from: e.f, to: e.to, title: edgeTitle(e), color: { color: t.color } };
    if (s && s.dashes) { o.dashes = s.dashes; o.width = 1.3; }
    if (e.s === "negated") o.color = { color: t.color, opacity: 0.5 };
    if (t.arrow) o.arrows = "to";
    var lab = edgeLabel(e);
    if (lab) o.label = lab;
    if (meta.physics) {
      o.smooth = e.par ? { enabled: true, type: e.par % 2 ? "curvedCW" : "curvedCCW", roundness: 0.18 * Math.ceil(e.par / 2) }
                       : { enabled: true, type: "continuous", roundness: 0.2 };
    }
    return o;
  });

  /* ---------------------------------------------------------------- filters */
  var state = { etypes: {}, rtypes: {}, statuses: {}, yFrom: null, yTo: null, undated: true };
  meta.entity_types.forEach(function (t) { state.etypes[t.key] = true; });
  meta.edge_types.forEach(function (t) { state.rtypes[t.key] = true; });
  meta.statuses.forEach(function (t) { state.statuses[t.key] = true; });
  var years = E.map(function (e) { return yearOf(e.d); });
  var knownYears = years.filter(function (y) { return y !== null; });
  var minYear = knownYears.length ? Math.min.apply(null, knownYears) : null;
  var maxYear = knownYears.length ? Math.max.apply(null, knownYears) : null;

  var nodeVisible = N.map(function () { return true; });
  var edgeVisible = E.map(function () { return true; });
  function edgeFilterActive() {
    var k;
    for (k in state.rtypes) if (!state.rtypes[k]) return true;
    for (k in state.statuses) if (!state.statuses[k]) return true;
    return state.yFrom !== null || state.yTo !== null || !state.undated;
  }
  function computeVisibility() {
    var active = edgeFilterActive();
    var typeOk = N.map(function (n) { return state.etypes[n.t] !== false; });
    var hasEdge = N.map(function () { return false; });
    E.forEach(function (e, i) {
      var y = years[i];
      var ok = typeOk[e.f] && typeOk[e.to] && state.rtypes[e.t] !== false && state.statuses[e.s] !== false;
      if (ok) {
        if (y === null) ok = state.undated;
        else ok = (state.yFrom === null || y >= state.yFrom) && (state.yTo === null || y <= state.yTo);
      }
      edgeVisible[i] = ok;
      if (ok) { hasEdge[e.f] = true; hasEdge[e.to] = true; }
    });
    N.forEach(function (n, i) { nodeVisible[i] = typeOk[i] && (!active || hasEdge[i]); });
  }

  mark("kg-objects");
  var nodesDS = new vis.DataSet(visNodes);
  var edgesDS = new vis.DataSet(visEdges);
  var nodeView = new vis.DataView(nodesDS, { filter: function (n) { return nodeVisible[n.id]; } });
  var edgeView = new vis.DataView(edgesDS, { filter: function (e) { return edgeVisible[e.id]; } });

  var options = {
    autoResize: true,
    groups: groups,
    nodes: { shape: "dot", borderWidth: 1.5, scaling: { label: { enabled: false } },
             font: { face: FONT, size: 15, color: "#1d1d1b", strokeWidth: 3, strokeColor: "#fbfaf7" } },
    edges: { selectionWidth: 2, hoverWidth: 1.5, width: 1.6, color: { highlight: "#1d1d1b", hover: "#1d1d1b", opacity: 0.85, inherit: false },
             arrows: { to: { scaleFactor: 0.55 } }, smooth: meta.physics ? { enabled: true, type: "continuous" } : false,
             font: { face: FONT, size: 12, color: "#4a4945", strokeWidth: 3, strokeColor: "#fbfaf7", align: "horizontal" } },
    interaction: { hover: true, tooltipDelay: 180, hideEdgesOnDrag: !meta.physics, hideEdgesOnZoom: !meta.physics,
                   navigationButtons: false, keyboard: false, multiselect: false },
    layout: { improvedLayout: false, randomSeed: 7 },
    physics: meta.physics ? {
      enabled: true, solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -60, centralGravity: 0.008, springLength: 120, springConstant: 0.06, avoidOverlap: 0.4 },
      stabilization: { enabled: true, iterations: 250, updateInterval: 50, fit: true },
      minVelocity: 0.8, maxVelocity: 40
    } : { enabled: false }
  };

  mark("kg-datasets");
  var container = $("graph");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);
  mark("kg-network");
  /* big graphs start without node labels (measuring 5,000 labels costs a second and they are
     unreadable at overview scale); they are added once the view is zoomed in enough to read */
  var labelled = meta.physics;
  function ensureLabels() {
    if (labelled) return;
    labelled = true;
    nodesDS.update(N.map(function (n, i) { return { id: i, label: canvasText(n.ar) }; }));
  }
  network.on("zoom", function () { if (network.getScale() > 0.3) ensureLabels(); });
  window.kgNetwork = network;
  window.kgData = { nodes: nodesDS, edges: edgesDS, nodeView: nodeView, edgeView: edgeView };
  network.once("afterDrawing", function () {
    mark("kg-drawn");
    window.__kgDrawn = (window.performance && performance.now) ? performance.now() : Date.now();
    document.body.setAttribute("data-drawn", "1");
    if (!meta.physics) document.body.setAttribute("data-settled", "1");
  });
  if (meta.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit();
      network.once("afterDrawing", function () { document.body.setAttribute("data-settled", "1"); });
      network.redraw();
    });
  }

  function applyFilters() {
    computeVisibility();
    nodeView.refresh();
    edgeView.refresh();
    var shown = nodeVisible.filter(Boolean).length;
    $("empty-note").hidden = shown > 0;
    updateCounts();
  }

  /* ---------------------------------------------------------------- controls */
  function checkItem(labelText, swatch, checked, onchange, count) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", function () { onchange(box.checked); });
    label.appendChild(box);
    if (swatch) label.appendChild(swatch);
    var span = el("span");
    (Array.isArray(labelText) ? labelText : [labelText]).forEach(function (part, k) {
      if (k) span.appendChild(document.createTextNode(" · "));
      span.appendChild(bdi(part));
    });
    label.appendChild(span);
    if (count !== undefined) label.appendChild(el("span", "count", count));
    return label;
  }
  var etCount = {}, rtCount = {}, stCount = {};
  N.forEach(function (n) { etCount[n.t] = (etCount[n.t] || 0) + 1; });
  E.forEach(function (e) { rtCount[e.t] = (rtCount[e.t] || 0) + 1; stCount[e.s] = (stCount[e.s] || 0) + 1; });

  function buildControls() {
    var le = $("legend-entities"), lr = $("legend-edges"), ls = $("legend-statuses");
    clear(le); clear(lr); clear(ls);
    meta.entity_types.forEach(function (t) {
      var sw = el("span", "swatch"); sw.style.background = t.color;
      le.appendChild(checkItem(typeName(t.key, etypes), sw, state.etypes[t.key], function (v) { state.etypes[t.key] = v; applyFilters(); }, etCount[t.key] || 0));
    });
    meta.edge_types.forEach(function (t) {
      var sw = el("span", "lineswatch"); sw.style.borderTopColor = t.color;
      var text = lang === "ar" ? [t.ar, t.en] : [t.en, t.ar];
      lr.appendChild(checkItem(text, sw, state.rtypes[t.key], function (v) { state.rtypes[t.key] = v; applyFilters(); }, rtCount[t.key] || 0));
    });
    meta.statuses.forEach(function (t) {
      var sw = el("span", "lineswatch" + (t.key === "asserted" ? "" : t.key === "planned" ? " dashed" : " dotted"));
      ls.appendChild(checkItem(typeName(t.key, stypes), sw, state.statuses[t.key], function (v) { state.statuses[t.key] = v; applyFilters(); }, stCount[t.key] || 0));
    });
  }
  function setupYears() {
    var from = $("year-from"), to = $("year-to");
    [from, to].forEach(function (inp) {
      if (minYear !== null) { inp.min = String(minYear); inp.max = String(maxYear); }
      inp.addEventListener("change", readYears);
      inp.addEventListener("input", readYears);
    });
    from.placeholder = minYear !== null ? String(minYear) : "";
    to.placeholder = maxYear !== null ? String(maxYear) : "";
    $("undated").addEventListener("change", function () { state.undated = $("undated").checked; applyFilters(); });
    $("reset").addEventListener("click", function () {
      from.value = ""; to.value = ""; $("undated").checked = true;
      state.yFrom = state.yTo = null; state.undated = true;
      Object.keys(state.etypes).forEach(function (k) { state.etypes[k] = true; });
      Object.keys(state.rtypes).forEach(function (k) { state.rtypes[k] = true; });
      Object.keys(state.statuses).forEach(function (k) { state.statuses[k] = true; });
      buildControls();
      applyFilters();
      network.fit();
    });
  }
  function readYears() {
    var a = parseInt($("year-from").value, 10), b = parseInt($("year-to").value, 10);
    state.yFrom = isNaN(a) ? null : a;
    state.yTo = isNaN(b) ? null : b;
    applyFilters();
  }
  function updateCounts() {
    var c = meta.counts;
    var shown = nodeVisible.filter(Boolean).length;
    var text = (shown === c.nodes ? String(c.nodes) : shown + "/" + c.nodes) + " " + tr("nodes") + " · " +
      c.edges + " " + tr("edges") + " · " + c.events + " " + tr("events") + " · " + c.documents + " " + tr("documents");
    $("counts").textContent = text;
  }

  /* ---------------------------------------------------------------- search */
  function search(q) {
    var nq = norm(q);
    var out = [];
    if (!nq) return out;
    for (var i = 0; i < N.length; i++) {
      var keys = nodeKeys[i], best = -1;
      for (var j = 0; j < keys.length; j++) {
        var p = keys[j].indexOf(nq);
        if (p === 0) { best = keys[j].length === nq.length ? 3 : 2; break; }
        if (p > 0) best = Math.max(best, 1);
      }
      if (best >= 0) out.push([best, N[i].deg, i]);
    }
    out.sort(function (a, b) { return b[0] - a[0] || b[1] - a[1] || a[2] - b[2]; });
    return out.slice(0, 30).map(function (r) { return r[2]; });
  }
  function setupSearch() {
    var input = $("search"), list = $("search-results");
    function render() {
      clear(list);
      var q = input.value;
      if (!norm(q)) { list.hidden = true; return; }
      var hits = search(q);
      if (!hits.length) { list.appendChild(el("li", "none", tr("no_results"))); }
      hits.forEach(function (i) {
        var li = el("li"), b = el("button");
        b.type = "button";
        var sw = el("span", "swatch"); sw.style.background = (etypes[N[i].t] || {}).color || "#a0a0a0";
        b.appendChild(sw);
        b.appendChild(bdi(N[i].ar));
        if (N[i].en) { b.appendChild(document.createTextNode(" · ")); b.appendChild(bdi(N[i].en)); }
        b.addEventListener("click", function () { list.hidden = true; focusNode(i); });
        li.appendChild(b);
        list.appendChild(li);
      });
      list.hidden = false;
    }
    input.addEventListener("input", render);
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { var h = search(input.value); if (h.length) { list.hidden = true; focusNode(h[0]); } }
      if (ev.key === "Escape") { list.hidden = true; }
    });
    document.addEventListener("click", function (ev) { if (!$("search-box").contains(ev.target)) list.hidden = true; });
  }
  function focusNode(i) {
    if (!nodeVisible[i]) { $("reset").click(); }
    pinned = { node: i };
    ensureLabels();
    network.selectNodes([i]);
    network.focus(i, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400 } });
    showNode(i);
  }
  function focusEdge(i) {
    pinned = { edge: i };
    if (edgeVisible[i]) network.selectEdges([i]);
    showEdge(i);
  }

  /* ---------------------------------------------------------------- side panel */
  function termsFor(idx, cls) {
    var n = N[idx];
    if (!n) return [];
    return [n.ar].concat(n.al || []).filter(Boolean).map(function (t) { return { text: t, cls: cls }; });
  }
  /* the sentence as text nodes, with the names found in it wrapped in <mark> (textContent only) */
  function highlighted(sentence, terms) {
    var nm = normMap(sentence), hay = nm.text, ranges = [];
    terms.forEach(function (t) {
      var needle = normMap(t.text).text.trim();
      if (needle.length < 2) return;
      var from = 0, p;
      while ((p = hay.indexOf(needle, from)) !== -1) {
        var start = nm.map[p], end = nm.map[p + needle.length - 1] + 1;
        while (end < sentence.length && DIACRITICS.test(sentence.charAt(end))) end++;
        ranges.push([start, end, t.cls]);
        from = p + needle.length;
      }
    });
    ranges.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var frag = document.createDocumentFragment(), pos = 0;
    ranges.forEach(function (r) {
      if (r[0] < pos) return;
      if (r[0] > pos) frag.appendChild(document.createTextNode(sentence.slice(pos, r[0])));
      frag.appendChild(el("mark", r[2], sentence.slice(r[0], r[1])));
      pos = r[1];
    });
    if (pos < sentence.length) frag.appendChild(document.createTextNode(sentence.slice(pos)));
    return frag;
  }
  function row(dl, key, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", null, tr(key)));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.appendChild(bdi(value));
    dl.appendChild(dd);
  }
  function nodeButton(i) {
    var b = el("button");
    b.type = "button";
    b.appendChild(bdi(N[i].ar));
    b.addEventListener("click", function () { focusNode(i); });
    return b;
  }
  function showEdge(i) {
    var e = E[i], body = $("panel-body");
    clear(body);
    $("panel-hint").hidden = true;
    var h = el("h3");
    h.appendChild(bdi(N[e.f].ar));
    var arrow = lang === "ar" ? " ← " : " → ";
    h.appendChild(document.createTextNode(arrow + typeName(e.t, rtypes) + arrow));
    h.appendChild(bdi(N[e.to].ar));
    body.appendChild(h);
    var sub = el("div", "sub", bothNames(e.t, rtypes));
    body.appendChild(sub);
    var dl = el("dl");
    var st = el("span", "badge status-" + (stypes[e.s] ? e.s : "asserted"), bothNames(e.s, stypes));
    row(dl, "status", st);
    row(dl, "from_node", nodeButton(e.f));
    row(dl, "to_node", nodeButton(e.to));
    row(dl, "date", e.d || tr("none"));
    if (e.p !== null && e.p !== undefined) row(dl, "place", nodeButton(e.p)); else row(dl, "place", e.pl);
    row(dl, "confidence", e.c !== null && e.c !== undefined ? e.c.toFixed(2) : null);
    row(dl, "event", e.ev_id);
    body.appendChild(dl);
    body.appendChild(el("h4", null, tr("evidence")));
    var terms = termsFor(e.f, "name").concat(termsFor(e.to, "name"));
    if (e.p !== null && e.p !== undefined) terms = terms.concat(termsFor(e.p, "place"));
    var evs = data.evidence[e.ev] || [];
    if (!evs.length) body.appendChild(el("div", "sub", tr("no_evidence")));
    evs.forEach(function (ev) {
      var box = el("div", "evidence");
      var p = el("p", "sentence");
      p.setAttribute("dir", "rtl");
      p.appendChild(highlighted(ev.s || "", terms));
      box.appendChild(p);
      var doc = data.documents[ev.doc] || {};
      var src = el("dl", "source");
      row(src, "document", doc.title || ev.doc);
      row(src, "doc_date", doc.date);
      row(src, "path", doc.path || ev.doc);
      row(src, "extractor", ev.x);
      row(src, "confidence", ev.c !== null && ev.c !== undefined ? ev.c.toFixed(2) : null);
      box.appendChild(src);
      body.appendChild(box);
    });
  }
  function showNode(i) {
    var n = N[i], body = $("panel-body");
    clear(body);
    $("panel-hint").hidden = true;
    var h = el("h3");
    h.appendChild(bdi(n.ar));
    body.appendChild(h);
    if (n.en) { var sub = el("div", "sub"); sub.setAttribute("dir", "ltr"); sub.appendChild(bdi(n.en)); body.appendChild(sub); }
    var dl = el("dl");
    var sw = el("span", "badge", bothNames(n.t, etypes)); sw.style.background = (etypes[n.t] || {}).color || "#a0a0a0";
    row(dl, "type", sw);
    row(dl, "id", n.id);
    if (n.q && /^Q[0-9]{1,12}$/.test(n.q)) {
      var a = el("a", null, n.q);
      a.href = "https://www.wikidata.org/wiki/" + n.q;
      a.rel = "noopener noreferrer";
      a.target = "_blank";
      row(dl, "wikidata", a);
    }
    if (n.al && n.al.length) row(dl, "aliases", n.al.join("، "));
    row(dl, "mentions", n.mc);
    row(dl, "documents", n.docs && n.docs.length ? String(n.docs.length) : null);
    body.appendChild(dl);
    if (n.pos && n.pos.length) {
      body.appendChild(el("h4", null, tr("positions")));
      var ul0 = el("ul", "links");
      n.pos.forEach(function (p) {
        var li = el("li");
        li.appendChild(bdi(p.title || p.role || ""));
        if (p.of) { li.appendChild(document.createTextNode(" — ")); li.appendChild(bdi(p.of)); }
        ul0.appendChild(li);
      });
      body.appendChild(ul0);
    }
    body.appendChild(el("h4", null, tr("relations") + " (" + adj[i].length + ")"));
    var ul = el("ul", "links");
    var list = adj[i].slice().sort(function (a, b) { return (E[a].d || "").localeCompare(E[b].d || "") || a - b; });
    list.slice(0, 200).forEach(function (k) {
      var e = E[k], other = e.f === i ? e.to : e.f;
      var li = el("li"), b = el("button");
      b.type = "button";
      b.appendChild(document.createTextNode(typeName(e.t, rtypes) + " "));
      b.appendChild(bdi(N[other].ar));
      if (e.d) b.appendChild(document.createTextNode(" (" + canvasText(e.d) + ")"));
      if (e.s !== "asserted") b.appendChild(document.createTextNode(" [" + typeName(e.s, stypes) + "]"));
      b.addEventListener("click", function () { focusEdge(k); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    if (list.length > 200) ul.appendChild(el("li", "sub", tr("more").replace("{n}", String(list.length - 200))));
    body.appendChild(ul);
  }
  function clearPanel() {
    clear($("panel-body"));
    $("panel-hint").hidden = false;
  }

  var pinned = null;
  network.on("click", function (p) {
    if (p.nodes && p.nodes.length) { pinned = { node: p.nodes[0] }; showNode(p.nodes[0]); }
    else if (p.edges && p.edges.length) { pinned = { edge: p.edges[0] }; showEdge(p.edges[0]); }
    else { pinned = null; clearPanel(); }
  });
  network.on("hoverNode", function (p) { if (!pinned) showNode(p.node); });
  network.on("hoverEdge", function (p) { if (!pinned) showEdge(p.edge); });

  /* ---------------------------------------------------------------- language */
  function applyLanguage() {
    document.documentElement.lang = lang;
    document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (node) {
      node.textContent = tr(node.getAttribute("data-i18n"));
    });
    $("search").placeholder = lang === "ar" ? I18N.ar.placeholder + " / " + I18N.en.placeholder
                                            : I18N.en.placeholder + " / " + I18N.ar.placeholder;
    var btn = $("lang-toggle");
    btn.textContent = tr("toggle");
    btn.lang = lang === "ar" ? "en" : "ar";
    btn.dir = lang === "ar" ? "ltr" : "rtl";
    buildControls();
    updateCounts();
    if (meta.edge_labels) {
      edgesDS.update(E.map(function (e, i) { return { id: i, label: edgeLabel(e) }; }));
    }
    if (pinned && pinned.node !== undefined) showNode(pinned.node);
    else if (pinned && pinned.edge !== undefined) showEdge(pinned.edge);
  }
  $("lang-toggle").addEventListener("click", function () { lang = lang === "ar" ? "en" : "ar"; applyLanguage(); });

  setupYears();
  setupSearch();
  applyLanguage();
  applyFilters();
  window.kgShowEdge = focusEdge;
  window.kgShowNode = focusNode;
})();
