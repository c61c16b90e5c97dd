/* Search page: send the firm profile to POST /api/match, show the results as cards and on a
 * small offline Leaflet map (no tile server). No build step; plain ES5-style browser code. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("search-config").textContent);
  var t = config.t;
  var lang = config.lang;
  var KINDS = ["interchange", "port", "airport", "station"];
  var ROLE_COLOURS = { match: "#1a9850", near_miss: "#f57c00", planned: "#4575b4" };
  var HIGHLIGHT_COLOUR = "#d6006f";

  var form = document.getElementById("profile-form");
  var problemsBox = document.getElementById("problems");
  var problemsList = document.getElementById("problems-list");
  var results = document.getElementById("results");
  var busy = document.getElementById("busy");
  var mapNode = document.getElementById("search-map");

  // ------------------------------------------------------------------ small helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "className") { node.className = attrs[key]; }
      else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function yen(amount) {
    if (amount === null || amount === undefined) { return t.no_data; }
    return lang === "ja" ? amount.toLocaleString("ja-JP") + "円" : "¥" + amount.toLocaleString("en-US");
  }

  function upTo(text, flag) {
    return flag ? t.up_to_prefix + text + t.up_to_suffix : text;
  }

  function statusLabel(status) {
    if (!status) { return t.status_unknown; }
    return t["status_" + status] || status;
  }

  function formatArea(m2) {
    return Math.round(m2).toLocaleString(lang === "ja" ? "ja-JP" : "en-US") + " m²";
  }

  // ------------------------------------------------------------------ the map

  var map = L.map(mapNode, { zoomControl: true, attributionControl: false });
  map.setView([36.58, 136.63], 11);
  var parkLayer = L.geoJSON(null, {
    style: { color: "#1f3a5f", weight: 1.5, dashArray: "6 4", fillColor: "#9db4d3", fillOpacity: 0.15 },
    onEachFeature: function (feature, layer) {
      // Leaflet reads a string tooltip as HTML: hand it a text node built from the data.
      layer.bindTooltip(el("span", { text: config.parks[feature.properties.park_id] || feature.properties.park_id }));
    }
  }).addTo(map);
  var lotIndex = {};
  var lotRoles = {};
  var loadedLotsDate = null;
  var lotLayer = L.geoJSON(null, {
    style: function (feature) { return lotStyle(feature.properties.lot_id); },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      lotIndex[p.lot_id] = layer;
      var tip = p.lot_id + " · " + statusLabel(p.status) + " · " + formatArea(p.area_m2);
      if (p.is_illustrative) { tip += " · " + t.illustrative_tag; }
      layer.bindTooltip(el("span", { text: tip }));
    }
  }).addTo(map);
  var outlineLayer = L.layerGroup().addTo(map);

  function lotStyle(lotId) {
    var layer = lotIndex[lotId];
    var status = layer && layer.feature ? layer.feature.properties.status : null;
    var role = lotRoles[lotId];
    var base = {
      color: "#777", weight: 0.8, dashArray: "4 3", opacity: 0.8,
      fillColor: config.status_colours[status || "unknown"] || "#fff", fillOpacity: 0.25
    };
    if (role) {
      base.color = ROLE_COLOURS[role];
      base.weight = 2.5;
      base.fillColor = ROLE_COLOURS[role];
      base.fillOpacity = 0.5;
    }
    return base;
  }

  function restyleLots() {
    Object.keys(lotIndex).forEach(function (id) { lotIndex[id].setStyle(lotStyle(id)); });
  }

  function fetchJson(url, options) {
    return fetch(url, options).then(function (response) {
      return response.json().then(
        function (body) { return { status: response.status, body: body }; },
        function () { return { status: response.status, body: {} }; }
      );
    });
  }

  fetchJson(config.urls.parks).then(function (res) {
    if (res.status === 200) {
      parkLayer.addData(res.body);
      map.fitBounds(parkLayer.getBounds().pad(0.05), { animate: false });
    }
  });

  // /api/lots is paged: follow its "next" links until every lot of the date is on the map.
  function loadLots(asOf) {
    if (loadedLotsDate === asOf) { return Promise.resolve(); }
    var first = config.urls.lots + "?limit=5000" + (asOf ? "&as_of=" + encodeURIComponent(asOf) : "");
    var pages = [];
    function fetchPage(url) {
      return fetchJson(url).then(function (res) {
        if (res.status !== 200) { return false; }
        pages.push(res.body);
        var next = (res.body.links || []).filter(function (link) { return link.rel === "next"; })[0];
        return next ? fetchPage(next.href) : true;
      });
    }
    return fetchPage(first).then(function (complete) {
      if (!complete) { return; }
      lotLayer.clearLayers();
      lotIndex = {};
      pages.forEach(function (page) { lotLayer.addData(page); });
      loadedLotsDate = asOf;
    });
  }

  var state = { map: map, lotIndex: function () { return lotIndex; }, highlighted: [], highlightColour: HIGHLIGHT_COLOUR };
  window.sitingSearch = state;

  function highlight(card, lots, outline) {
    restyleLots();
    outlineLayer.clearLayers();
    var bounds = null;
    lots.forEach(function (id) {
      var layer = lotIndex[id];
      if (!layer) { return; }
      layer.setStyle({ color: HIGHLIGHT_COLOUR, weight: 4, dashArray: null, fillColor: HIGHLIGHT_COLOUR, fillOpacity: 0.6 });
      layer.bringToFront();
      bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
    });
    if (outline) {
      var drawn = L.geoJSON(outline, {
        style: { color: HIGHLIGHT_COLOUR, weight: 3, dashArray: "8 4", fill: false }
      }).addTo(outlineLayer);
      bounds = bounds ? bounds.extend(drawn.getBounds()) : drawn.getBounds();
    }
    if (bounds) { map.fitBounds(bounds.pad(1.5), { maxZoom: 17, animate: false }); }
    Array.prototype.forEach.call(results.querySelectorAll(".result-card"), function (c) {
      c.classList.toggle("selected", c === card);
      c.setAttribute("aria-pressed", c === card ? "true" : "false");
    });
    state.highlighted = lots.slice();
    mapNode.setAttribute("data-highlighted", lots.join(" "));
  }

  // ------------------------------------------------------------------ the form

  function buildProfile() {
    var profile = {};
    Array.prototype.forEach.call(form.querySelectorAll("[data-path]"), function (input) {
      var kind = input.getAttribute("data-kind");
      var value;
      if (kind === "boolean") {
        if (!input.checked) { return; }
        value = true;
      } else {
        var raw = input.value.trim();
        if (raw === "") { return; }
        if (kind === "integer" || kind === "number") {
          var n = Number(raw.replace(/[,\s_]/g, ""));
          value = isNaN(n) ? raw : n;  // the server names the bad value
        } else {
          value = raw;
        }
      }
      var path = input.getAttribute("data-path").split(".");
      var target = profile;
      path.slice(0, -1).forEach(function (key) { target = target[key] = target[key] || {}; });
      target[path[path.length - 1]] = value;
    });
    return profile;
  }

  function formQuery() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name) { return; }
      if (input.type === "checkbox") { if (input.checked) { params.set(input.name, "on"); } }
      else if (input.value.trim() !== "") { params.set(input.name, input.value.trim()); }
    });
    params.set("lang", lang);
    return params;
  }

  function showProblems(problems) {
    problemsList.textContent = "";
    problems.forEach(function (p) { problemsList.appendChild(el("li", { text: p })); });
    problemsBox.hidden = false;
    problemsBox.scrollIntoView({ block: "nearest" });
  }

  function clearProblems() {
    problemsList.textContent = "";
    problemsBox.hidden = true;
  }

  // ------------------------------------------------------------------ result cards

  function driveList(m) {
    var list = el("ul", { className: "drive" });
    KINDS.forEach(function (kind) {
      var minutes = m.drive_minutes ? m.drive_minutes[kind] : null;
      var dest = m.destinations ? m.destinations[kind] : null;
      var name = dest ? (config.destinations[dest] || dest) : "";
      var text = t["kind_" + kind] + ": " + (minutes === null || minutes === undefined
        ? t.no_data : minutes.toFixed(1) + " " + t.minutes_unit) + (name ? " (" + name + ")" : "");
      var item = el("li", { "data-kind": kind, text: text });
      if (minutes !== null && minutes !== undefined) { item.setAttribute("data-minutes", String(minutes)); }
      list.appendChild(item);
    });
    return list;
  }

  function checkList(m) {
    var list = el("ul", { className: "checks" });
    (m.checks || []).forEach(function (c) {
      var detail = lang === "ja" && c.detail_ja ? c.detail_ja : c.detail;
      list.appendChild(el("li", {
        className: c.ok ? "ok" : "fail", "data-constraint": c.constraint
      }, [el("span", { className: "mark", text: c.ok ? "✓" : "✗" }), " " + detail]));
    });
    return list;
  }

  function grantBlock(g) {
    var box = el("div", { className: "grants" }, [el("h4", { text: t.grants_label })]);
    if (!g || g.city_jpy === undefined) { box.appendChild(el("p", { text: t.no_data })); return box; }
    box.appendChild(el("p", { className: "grant-city" }, [t.grant_city + ": ", el("strong", { text: yen(g.city_jpy) })]));
    box.appendChild(el("p", { className: "grant-prefecture" }, [t.grant_prefecture + ": ", el("strong", { text: yen(g.prefecture_jpy) })]));
    var label = lang === "ja" ? g.if_combinable_label_ja : g.if_combinable_label;
    box.appendChild(el("p", { className: "grant-combined" }, [
      label + ": ", el("strong", { text: upTo(yen(g.if_combinable_jpy), g.up_to) })
    ]));
    if (g.amount_unknown && g.amount_unknown.length) {
      box.appendChild(el("p", { className: "small", text: t.amount_unknown_note.replace("{n}", String(g.amount_unknown.length)) }));
    }
    if (g.up_to) { box.appendChild(el("p", { className: "small up-to-note", text: t.up_to_note })); }
    return box;
  }

  function netLandCost(m) {
    var net = m.net_land_cost || {};
    var text;
    if (m.net_land_cost_jpy !== null && m.net_land_cost_jpy !== undefined) {
      text = yen(m.net_land_cost_jpy);
    } else {
      text = t.price_not_public + (net.reason ? " (" + (lang === "ja" ? net.reason_ja || net.reason : net.reason) + ")" : "");
    }
    return el("p", { className: "net-land-cost" }, [t.net_land_cost_label + ": ", text]);
  }

  // The pitch sheet gets the firm's figures in a POST body: a link would carry them in the URL,
  // and so into server logs, browser history and referrers.
  function pitchLinks(m, asOf) {
    var box = el("div", { className: "pitch-links" });
    m.lots.forEach(function (id) {
      var params = formQuery();
      params.set("lot", id);
      if (asOf) { params.set("as_of", asOf); }
      var form = el("form", {
        className: "pitch-form", method: "post", action: config.urls.pitch, target: "_blank"
      });
      params.forEach(function (value, name) {
        form.appendChild(el("input", { type: "hidden", name: name, value: value }));
      });
      var button = el("button", {
        type: "submit", className: "pitch-link",
        text: t.pitch_link + (m.lots.length > 1 ? " " + id : "")
      });
      form.appendChild(button);
      form.addEventListener("click", function (event) { event.stopPropagation(); });
      form.addEventListener("keydown", function (event) { event.stopPropagation(); });
      box.appendChild(form);
    });
    return box;
  }

  function card(m, role, asOf) {
    var head = el("header", {}, [
      el("h3", { className: "lot-ids", text: m.lots.join(" + ") }),
      el("span", { className: "park-name", text: config.parks[m.park_id] || m.park_id })
    ]);
    if (m.assembled) { head.appendChild(el("span", { className: "tag", text: t.assembled_label })); }
    if (m.is_illustrative) { head.appendChild(el("span", { className: "tag illustrative-tag", text: t.illustrative_tag })); }
    var status = statusLabel(m.status) + (m.available_from ? " (" + t.available_from_label + " " + m.available_from + ")" : "");
    var facts = el("dl", { className: "facts" }, [
      el("dt", { text: t.area_label }), el("dd", { className: "area", text: formatArea(m.area_m2) }),
      el("dt", { text: t.status_label }), el("dd", { className: "status", text: status }),
      el("dt", { text: t.score_label }), el("dd", { className: "score", text: m.score.toFixed(2) })
    ]);
    var node = el("article", {
      className: "result-card role-" + role, tabindex: "0", role: "button", "aria-pressed": "false",
      "data-lots": m.lots.join(" "), "data-role": role
    }, [head, facts, driveList(m), el("h4", { text: t.checks_label }), checkList(m), grantBlock(m.grants), netLandCost(m), pitchLinks(m, asOf)]);
    var choose = function () { highlight(node, m.lots, m.assembled ? m.outline : null); };
    node.addEventListener("click", choose);
    node.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); choose(); }
    });
    return node;
  }

  function section(id, title, items, role, asOf) {
    var box = el("section", { className: "result-section", id: id }, [
      el("h2", { text: title + " (" + items.length + ")" })
    ]);
    if (!items.length) { box.appendChild(el("p", { className: "empty", text: t.no_results })); }
    items.forEach(function (m) { box.appendChild(card(m, role, asOf)); });
    return box;
  }

  function render(body) {
    results.textContent = "";
    lotRoles = {};
    [["match", body.matches], ["near_miss", body.near_misses], ["planned", body.planned]].forEach(function (pair) {
      (pair[1] || []).forEach(function (m) {
        m.lots.forEach(function (id) { if (!lotRoles[id]) { lotRoles[id] = pair[0]; } });
      });
    });
    var notes = (lang === "ja" && body.notes_ja ? body.notes_ja : body.notes) || [];
    var noteBox = el("section", { className: "result-notes", id: "result-notes" }, [el("h2", { text: t.notes_title })]);
    var noteList = el("ul", {}, [
      el("li", { className: "illustrative-note", text: t.illustrative_note }),
      el("li", { className: "assumed-speeds-note", text: t.assumed_speeds_note })
    ]);
    notes.forEach(function (n) { noteList.appendChild(el("li", { className: "api-note", text: n })); });
    noteBox.appendChild(noteList);
    results.appendChild(noteBox);
    results.appendChild(section("matches", t.results_title, body.matches || [], "match", body.as_of));
    results.appendChild(section("near-misses", t.near_misses_title, body.near_misses || [], "near_miss", body.as_of));
    results.appendChild(section("planned", t.planned_title, body.planned || [], "planned", body.as_of));
    restyleLots();
    outlineLayer.clearLayers();
    state.highlighted = [];
    mapNode.removeAttribute("data-highlighted");
    var bounds = null;
    Object.keys(lotRoles).forEach(function (id) {
      var layer = lotIndex[id];
      if (layer) { bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast()); }
    });
    if (bounds) { map.fitBounds(bounds.pad(0.2), { maxZoom: 16, animate: false }); }
    results.setAttribute("data-loaded", "true");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var asOf = document.getElementById("as_of").value.trim();
    var payload = { profile: buildProfile(), lang: lang };
    if (asOf) { payload.as_of = asOf; }
    busy.hidden = false;
    results.removeAttribute("data-loaded");
    var match = fetchJson(config.urls.match + "?top=10", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload)
    });
    Promise.all([match, loadLots(asOf).catch(function () { return null; })]).then(function (both) {
      var res = both[0];
      busy.hidden = true;
      if (res.status === 200) {
        clearProblems();
        render(res.body);
      } else if (res.status === 400) {
        results.textContent = "";
        showProblems(res.body.problems || [res.body.error || t.request_failed]);
      } else {
        showProblems([t.request_failed + " (" + res.status + ")" + (res.body.error ? ": " + res.body.error : "")]);
      }
    }).catch(function (error) {
      busy.hidden = true;
      showProblems([t.request_failed + ": " + error]);
    });
  });

  loadLots(document.getElementById("as_of").value.trim());
})();
