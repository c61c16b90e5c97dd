/* Search page: send the firm profile to POST /api/match and show the answer as cards and on
 * the map drawn by map-core.js (basemap, labelled parks, lots by status, legend), the result
 * lots coloured by role and the map zoomed to them.
 *
 * Every text comes from the page's #search-config (already in the page language); the
 * checks' explanations come from the API in that language. DOM is built with textContent.
 * When nothing is on sale the page says so, with the date of the latest record, the lots
 * that came closest and when they sold, the planned stock once, and whom to ask. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("search-config").textContent);
  var t = config.t;
  var lang = config.lang;
  var locale = lang === "ja" ? "ja-JP" : "en-US";
  var KINDS = ["interchange", "port", "airport", "station"];
  var ROLE_COLOURS = { match: "#1a9850", near_miss: "#f57c00", planned: "#4575b4" };
  var HIGHLIGHT_COLOUR = "#d6006f";

  var form = document.getElementById("profile-form");
  var problemsBox = document.getElementById("profile-form-problems");
  var problemsList = document.getElementById("profile-form-problems-list");
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

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (all, key) {
      return values[key] === undefined ? all : String(values[key]);
    });
  }

  function yen(amount) {
    if (amount === null || amount === undefined) { return t.unknown; }
    return lang === "ja" ? amount.toLocaleString("ja-JP") + "円" : "¥" + amount.toLocaleString("en-US");
  }

  function longDate(iso) {
    if (!iso) { return ""; }
    var parts = iso.split("-").map(Number);
    return new Date(parts[0], parts[1] - 1, parts[2]).toLocaleDateString(locale, { year: "numeric", month: "long", day: "numeric" });
  }

  function statusLabel(status) {
    return t.statuses[status] || t.statuses.unknown;
  }

  function formatArea(m2) {
    return Math.round(m2).toLocaleString(locale) + " m²";
  }

  function lotLabel(id) {
    var parts = id.split("/");
    return fill(t.lot_label, { park: config.parks[parts[0]] || parts[0], lot_no: parts.slice(1).join("/") });
  }

  function lotUrl(id) {
    return config.urls.lot.replace("LOT_ID", id);
  }

  // ------------------------------------------------------------------ the map (map-core.js)

  var siting = SitingMap.create(mapNode, SitingMap.readConfig("search-map-config"), { collapsed: true });
  var map = siting.map;
  var roleOverlays = [];
  var lotRoles = {};
  var outlineOverlay = null;

  function fetchJson(url, options) {
    return fetch(url, options).then(function (response) {
      return response.json().then(
        function (body) { return { status: response.status, body: body }; },
        function () { return { status: response.status, body: {} }; }
      );
    });
  }

  function collection(ids) {
    return {
      type: "FeatureCollection",
      features: ids.map(function (id) { return siting.lot(id); }).filter(function (f) { return f; })
    };
  }

  // Result lots take their role's colour (fits, closest, planned) above the status colours.
  function showRoles(roles) {
    roleOverlays.forEach(function (layer) { layer.remove(); });
    roleOverlays = [];
    Object.keys(ROLE_COLOURS).forEach(function (role) {
      var ids = Object.keys(roles).filter(function (id) { return roles[id] === role; });
      if (!ids.length) { return; }
      roleOverlays.push(siting.overlay(collection(ids), {
        color: ROLE_COLOURS[role], weight: 2.5, dashArray: null, fill: true,
        fillColor: ROLE_COLOURS[role], fillOpacity: 0.45
      }));
    });
  }

  var state = {
    map: map, siting: siting, highlighted: [], highlightColour: HIGHLIGHT_COLOUR,
    lot: function (id) { return siting.lot(id); }
  };
  window.sitingSearch = state;

  function highlight(card, lots, outline) {
    if (outlineOverlay) { outlineOverlay.remove(); outlineOverlay = null; }
    if (outline) {
      outlineOverlay = siting.overlay(outline, { color: HIGHLIGHT_COLOUR, weight: 3, dashArray: "8 4", fill: false });
    }
    Array.prototype.forEach.call(results.querySelectorAll(".result-card"), function (c) {
      c.classList.toggle("selected", c === card);
      var button = c.querySelector(".show-on-map");
      if (button) { button.setAttribute("aria-pressed", c === card ? "true" : "false"); }
    });
    state.highlighted = lots.slice();
    return siting.highlight(lots, { fit: true, colour: HIGHLIGHT_COLOUR });
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
          var n = Number(raw.replace(/[,\s_、，]/g, ""));
          value = isNaN(n) ? raw : n;  // the server says what is wrong with it
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

  function formFields() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.name === "as_of") { return; }
      if (input.type === "checkbox") { if (input.checked) { fields[input.name] = "on"; } }
      else if (input.value.trim() !== "") { fields[input.name] = input.value.trim(); }
    });
    return fields;
  }

  function clearProblems() {
    problemsList.textContent = "";
    problemsBox.hidden = true;
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) { p.textContent = ""; p.hidden = true; });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (input) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      input.closest(".field").classList.remove("has-error");
    });
  }

  function showProblems(problems, fields) {
    clearProblems();
    var placed = {};
    (fields || []).forEach(function (f) {
      if (!f.form_field) { return; }
      var input = document.getElementById(f.form_field);
      var note = document.getElementById(f.form_field + "-error");
      if (!input || !note) { return; }
      note.textContent = note.textContent ? note.textContent + " " + f.message : f.message;
      note.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", f.form_field + "-error");
      input.closest(".field").classList.add("has-error");
      placed[f.label + ": " + f.message] = f.form_field;
    });
    problems.forEach(function (text) {
      var target = placed[text];
      var item = el("li");
      if (target) { item.appendChild(el("a", { href: "#" + target, text: text })); }
      else { item.textContent = text; }
      problemsList.appendChild(item);
    });
    problemsBox.hidden = false;
    problemsBox.scrollIntoView({ block: "nearest" });
  }

  // ------------------------------------------------------------------ result cards

  function driveList(m) {
    var list = el("ul", { className: "drive" });
    KINDS.forEach(function (kind) {
      var minutes = m.drive_minutes ? m.drive_minutes[kind] : null;
      var dest = m.destinations ? m.destinations[kind] : null;
      var name = dest ? (config.destinations[dest] || "") : "";
      var known = minutes !== null && minutes !== undefined;
      var text = t.kinds[kind] + ": " + (known ? fill(t.minutes, { minutes: minutes.toFixed(1) }) : t.unknown) + (name ? " (" + name + ")" : "");
      var item = el("li", { "data-kind": kind, text: text });
      if (known) { item.setAttribute("data-minutes", String(minutes)); }
      list.appendChild(item);
    });
    return list;
  }

  function checkList(m) {
    var list = el("ul", { className: "checks" });
    (m.checks || []).forEach(function (c) {
      list.appendChild(el("li", { className: c.ok ? "ok" : "fail", "data-constraint": c.constraint }, [
        el("span", { className: "mark", "aria-hidden": "true", text: c.ok ? "✓" : "✗" }),
        el("span", { className: "visually-hidden", text: (c.ok ? t.met : t.not_met) + ": " }),
        " " + c.detail
      ]));
    });
    return list;
  }

  function grantBlock(g) {
    var box = el("div", { className: "grants" }, [el("h4", { text: t.grants })]);
    if (!g || g.city_jpy === undefined) { box.appendChild(el("p", { text: t.unknown })); return box; }
    function amount(value) { return g.up_to && value ? fill(t.up_to, { amount: yen(value) }) : yen(value); }
    box.appendChild(el("p", { className: "grant-city" }, [t.city + ": ", el("strong", { text: amount(g.city_jpy) })]));
    box.appendChild(el("p", { className: "grant-prefecture" }, [t.prefecture + ": ", el("strong", { text: amount(g.prefecture_jpy) })]));
    box.appendChild(el("p", { className: "grant-combined" }, [
      t.if_combinable + ": ", el("strong", { text: amount(g.if_combinable_jpy) })
    ]));
    if (g.amount_unknown && g.amount_unknown.length) {
      box.appendChild(el("p", { className: "small", text: fill(t.amount_unknown_note, { count: g.amount_unknown.length }) }));
    }
    if (g.up_to) { box.appendChild(el("p", { className: "small up-to-note", text: t.up_to_note })); }
    return box;
  }

  function netLandCost(m) {
    var text = (m.net_land_cost_jpy !== null && m.net_land_cost_jpy !== undefined) ? yen(m.net_land_cost_jpy) : t.price_not_public;
    return el("p", { className: "net-land-cost" }, [t.net_land_cost + ": ", text]);
  }

  // The pitch sheet gets the firm's figures in a POST body, never in a URL.
  function pitchForm(id, asOf, label) {
    var f = el("form", { className: "pitch-form", method: "post", action: config.urls.pitch, target: "_blank" });
    var fields = formFields();
    fields.lot = id;
    fields.lang = lang;
    if (asOf) { fields.as_of = asOf; }
    Object.keys(fields).forEach(function (name) { f.appendChild(el("input", { type: "hidden", name: name, value: fields[name] })); });
    f.appendChild(el("button", { type: "submit", className: "pitch-link", text: label }));
    return f;
  }

  function cardActions(m, asOf) {
    var box = el("div", { className: "card-actions" });
    var show = el("button", { type: "button", className: "show-on-map", "aria-pressed": "false", text: t.show_on_map });
    box.appendChild(show);
    m.lots.forEach(function (id) {
      var suffix = m.lots.length > 1 ? " " + id.split("/").slice(1).join("/") : "";
      box.appendChild(el("a", { className: "lot-link", href: lotUrl(id), text: t.lot_page + suffix }));
      box.appendChild(el("button", {
        type: "button", className: "shortlist-toggle", "data-shortlist-lot": id,
        "data-add": t.add + suffix, "data-remove": t.remove + suffix, "aria-pressed": "false", text: t.add + suffix
      }));
      box.appendChild(pitchForm(id, asOf, t.pitch + suffix));
    });
    return { box: box, show: show };
  }

  function card(m, role, asOf) {
    var title = m.lots.map(lotLabel).join(" + ");
    var head = el("header", {}, [el("h3", { className: "lot-ids", text: title })]);
    if (m.assembled) { head.appendChild(el("span", { className: "tag", text: t.assembled })); }
    if (m.is_illustrative) { head.appendChild(el("span", { className: "tag illustrative-tag", text: t.illustrative })); }
    var status = statusLabel(m.status) + (m.available_from && m.status === "planned" ? " (" + fill(t.available_from, { date: longDate(m.available_from) }) + ")" : "");
    var facts = el("dl", { className: "facts" }, [
      el("dt", { text: t.area }), el("dd", { className: "area", text: formatArea(m.area_m2) }),
      el("dt", { text: t.status }), el("dd", { className: "status", text: status }),
      el("dt", { text: t.score }), el("dd", { className: "score", text: m.score.toFixed(2) })
    ]);
    var actions = cardActions(m, asOf);
    var node = el("article", { className: "result-card role-" + role, "data-lots": m.lots.join(" "), "data-role": role },
      [head, facts, driveList(m), el("h4", { text: t.checks }), checkList(m), grantBlock(m.grants), netLandCost(m), actions.box]);
    var choose = function () { highlight(node, m.lots, m.assembled ? m.outline : null); };
    actions.show.addEventListener("click", choose);
    node.addEventListener("click", function (event) {
      if (event.target.closest("a, button, form, input")) { return; }
      choose();
    });
    return node;
  }

  function section(id, title, items, role, asOf) {
    var box = el("section", { className: "result-section", id: id, "aria-label": title }, [
      el("h2", { text: title + " (" + items.length + ")" })
    ]);
    if (!items.length) { box.appendChild(el("p", { className: "empty", text: t.no_results })); }
    items.forEach(function (m) { box.appendChild(card(m, role, asOf)); });
    return box;
  }

  function exportLinks(ids, asOf) {
    var box = el("p", { className: "exports" }, [t.export + " "]);
    [["geojson", "GeoJSON"], ["csv", "CSV"], ["gpkg", "GeoPackage"]].forEach(function (pair, i) {
      var url = config.urls.export.replace("FORMAT", pair[0]) + "?lots=" + ids.map(encodeURIComponent).join(",") + (asOf ? "&as_of=" + asOf : "");
      if (i) { box.appendChild(document.createTextNode(" · ")); }
      box.appendChild(el("a", { href: url, text: pair[1], download: "" }));
    });
    return box;
  }

  function notice(body) {
    if (body.matches && body.matches.length) { return null; }
    var soldOut = body.on_sale === 0;
    var box = el("section", { className: "notice notice-warning", id: soldOut ? "sold-out-notice" : "no-match-notice", role: "status" }, [
      el("h2", { text: fill(soldOut ? t.sold_out_title : t.no_match_title, { date: longDate(body.as_of) }) }),
      el("p", { text: soldOut ? fill(t.sold_out_body, { record: longDate(body.latest_record) }) : t.no_match_body }),
      el("p", { className: "ask", text: fill(t.ask, { office: config.contact.office, phone: config.contact.phone }) }),
      el("p", {}, [el("a", { className: "button inquiry-link", href: config.urls.inquiry, text: t.inquiry })])
    ]);
    if (body.latest_record) { box.setAttribute("data-latest-record", body.latest_record); }
    return box;
  }

  function render(body) {
    results.textContent = "";
    lotRoles = {};
    var all = [];
    [["match", body.matches], ["near_miss", body.near_misses], ["planned", body.planned]].forEach(function (pair) {
      (pair[1] || []).forEach(function (m) {
        m.lots.forEach(function (id) { if (!lotRoles[id]) { lotRoles[id] = pair[0]; all.push(id); } });
      });
    });
    var top = notice(body);
    if (top) { results.appendChild(top); }
    results.appendChild(section("matches", t.results_title, body.matches || [], "match", body.as_of));
    results.appendChild(section("near-misses", t.near_misses_title, body.near_misses || [], "near_miss", body.as_of));
    results.appendChild(section("planned", t.planned_title, body.planned || [], "planned", body.as_of));
    if (all.length) { results.appendChild(exportLinks(all, body.as_of)); }
    var noteBox = el("section", { className: "result-notes", id: "result-notes", "aria-label": t.notes_title }, [el("h2", { text: t.notes_title })]);
    var noteList = el("ul");
    (body.notes || []).forEach(function (n) { noteList.appendChild(el("li", { className: "api-note", text: n })); });
    noteBox.appendChild(noteList);
    results.appendChild(noteBox);
    if (outlineOverlay) { outlineOverlay.remove(); outlineOverlay = null; }
    state.highlighted = [];
    siting.highlight([]).then(function () {
      showRoles(lotRoles);
      return all.length ? siting.fit({ lots: all }) : siting.fit("parks");
    }).then(function () { mapNode.setAttribute("data-results", "true"); });
    if (window.sitingShortlist) { window.sitingShortlist.refresh(); }
    results.setAttribute("data-loaded", "true");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var asOf = document.getElementById("as_of").value.trim();
    var payload = { profile: buildProfile(), lang: lang };
    if (asOf) { payload.as_of = asOf; }
    busy.hidden = false;
    results.removeAttribute("data-loaded");
    mapNode.removeAttribute("data-results");
    var match = fetchJson(config.urls.match + "?top=10", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(payload)
    });
    Promise.all([match, siting.setAsOf(asOf || null).catch(function () { return null; })]).then(function (both) {
      var res = both[0];
      busy.hidden = true;
      if (res.status === 200) {
        clearProblems();
        render(res.body);
      } else if (res.status === 400) {
        results.textContent = "";
        showProblems(res.body.problems || [t.request_failed], res.body.fields || []);
      } else {
        showProblems([t.request_failed], []);
      }
    }).catch(function (error) {
      busy.hidden = true;
      showProblems([t.request_failed], []);
      if (window.console) { window.console.error(error); }
    });
  });

})();
