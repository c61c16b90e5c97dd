/*
 * map-core.js: the one map module of kanazawa-siting. Every page that shows a map uses it
 * (the map page, search results, lot and park pages, the pitch sheet).
 *
 * It draws an offline Leaflet map from the app's layer endpoints (webapp/layers.py):
 *  - our own basemap: city boundary, water, roads, railways (there are no tiles offline; a
 *    tile layer is added under them only when the server sets SITING_TILES);
 *  - lots coloured by status, park outlines with their NAMES AS PERMANENT LABELS,
 *    destinations; grant zones, routes and drive-time bands (purple scale, one at a time)
 *    are off until switched on;
 *  - a layer control and a legend (lot status with counts, dashed = derived/illustrative,
 *    drive-time bands when shown), both keyboard-usable buttons/checkboxes that start
 *    collapsed on a narrow map (phones); the data credits;
 *  - click on a lot, park, zone, route or destination: a popup with links to /lots/<id> and
 *    /parks/<id>.
 * Hidden layers are never requested. Detailed layers are requested simplified for the zoom
 * and again when the zoom crosses a detail step; roads come for the visible area from zoom 13.
 * All text is built with createElement/textContent: no HTML string ever carries data.
 * Needs Leaflet 1.9 (vendor/leaflet) loaded first; plain ES5 + Promise/fetch, no build step.
 *
 * USE (no inline script: the page renders webapp.layers.map_config() into a JSON block)
 *
 *   <link rel="stylesheet" href="{{ url_for('static', filename='vendor/leaflet/leaflet.css') }}">
 *   <link rel="stylesheet" href="{{ url_for('static', filename='map-core.css') }}">
 *   <div id="map"></div>
 *   <script type="application/json" id="map-config">{{ map_config|tojson }}</script>
 *   <script src="{{ url_for('static', filename='vendor/leaflet/leaflet.js') }}"></script>
 *   <script src="{{ url_for('static', filename='map-core.js') }}"></script>
 *   <script src="{{ url_for('static', filename='your-page.js') }}"></script>
 *
 *   // your-page.js
 *   var m = SitingMap.create(document.getElementById("map"), SitingMap.readConfig("map-config"));
 *   m.ready.then(function () { return m.highlight(["inaho/3"], { fit: true }); });
 *
 * Python side: map_config(as_of=date|None, lots=[ids], parks=[ids], visible={name: bool})
 * opens the map on those lots/parks (default: all parks), the lots outlined, with those
 * layers shown. Without any page script: <div data-siting-map="map-config"
 * data-controls="false" data-interactive="false"></div> (the last two optional) makes the
 * map on DOMContentLoaded; the instance is then element.sitingMap.
 *
 * API (stable: add to it, do not change it)
 *   SitingMap.readConfig(id)            parse the JSON config block with that element id
 *   SitingMap.format(template, values)  fill "{name}" placeholders of a config.t string
 *   SitingMap.createAll()               create the [data-siting-map] maps not made yet (runs
 *                                       by itself on DOMContentLoaded)
 *   SitingMap.create(element, config, options) -> instance; options (all optional):
 *     layers: {name: bool}       show/hide layers at start (overrides config)
 *     controls: false | {layers: bool, legend: bool, credits: bool}   (default: all true)
 *     collapsed: bool            controls start collapsed (default: map narrower than 600 px)
 *     interactive: bool          false: a still map (print): no popups, no pan/zoom
 *     fit: target                where to open (default: config.bounds), see fit()
 *     highlight: [lotIds]        lots outlined once drawn (default: config.focus.lots)
 *   instance.map                 the Leaflet map
 *   instance.ready               Promise: every layer shown at start is drawn (never rejects;
 *                                on a failed request the element gets data-ready="error")
 *   instance.show(name) / instance.hide(name) -> Promise;  instance.shown(name) -> bool
 *   instance.setAsOf("YYYY-MM-DD" | null) -> Promise: re-colour lots by status on that date
 *   instance.highlight([lotIds], {fit: bool, colour: css}) -> Promise: outline lots ([] clears)
 *   instance.fit(target) -> Promise; target: "parks" | "lots" | {lots: [ids]} | {parks: [ids]}
 *                                | [[south, west], [north, east]] | a GeoJSON object
 *   instance.overlay(geojson, style) -> Leaflet layer drawn above the lots (e.g. a site outline)
 *   instance.lot(lotId)          -> the lot's GeoJSON feature as served (or null)
 *   Events on element: "sitingmap:ready"; "sitingmap:asof" {asOf, statusDate, latestEvent};
 *   "sitingmap:layer" {name, shown}. element gets data-ready="true" and data-highlighted.
 */
(function (global) {
  "use strict";

  var L = global.L;
  var NARROW_PX = 600;
  var BUSY_DELAY_MS = 300;
  var BBOX_PAD = 0.3;  // ask for the view plus 30 % on each side, so small pans need nothing
  var HIGHLIGHT_COLOUR = "#d6006f";
  var FIT_PADDING = 16;
  var FIT_MAX_ZOOM = 17;
  var uidCounter = 0;

  // ------------------------------------------------------------------ small helpers

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) { return; }
      if (key === "text") { node.textContent = value; }
      else if (key === "className") { node.className = value; }
      else { node.setAttribute(key, value === true ? "" : String(value)); }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function assign(target) {
    for (var i = 1; i < arguments.length; i++) {
      var source = arguments[i] || {};
      Object.keys(source).forEach(function (key) { target[key] = source[key]; });
    }
    return target;
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (match, key) {
      return values && values[key] !== undefined && values[key] !== null ? String(values[key]) : match;
    });
  }

  function readConfig(id) {
    var node = document.getElementById(id);
    if (!node) { throw new Error("SitingMap: no config element #" + id); }
    return JSON.parse(node.textContent);
  }

  function uid(prefix) {
    uidCounter += 1;
    return prefix + "-" + uidCounter;
  }

  function pageUrl(template, id) {
    return template.replace("__ID__", String(id).split("/").map(encodeURIComponent).join("/"));
  }

  function classSafe(value) {
    return String(value || "").replace(/[^a-z0-9_-]/gi, "");
  }

  function fetchJson(url) {
    // no extra headers: the page's <link rel="preload" as="fetch"> requests must match
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status + " for " + url); }
        return response.json();
      });
  }

  function mark(name) {
    if (global.performance && global.performance.mark) { global.performance.mark(name); }
  }

  function degreesPerPixel(zoom) {
    return 360 / (256 * Math.pow(2, zoom));
  }

  // ------------------------------------------------------------------ the map

  function create(element, config, options) {
    options = options || {};
    var t = config.t;
    var lang = config.lang;
    var locale = lang === "ja" ? "ja-JP" : "en-US";
    var interactive = options.interactive !== false;
    var controls = options.controls === false
      ? { layers: false, legend: false, credits: false }
      : assign({ layers: true, legend: true, credits: true }, options.controls || {});
    var collapsed = options.collapsed !== undefined ? !!options.collapsed : element.clientWidth < NARROW_PX;
    var specs = config.layers.slice();
    var state = {};
    var asOf = options.asOf !== undefined ? options.asOf : config.as_of;
    var statusDate = config.status_date;
    var latestEvent = config.latest_event;
    var lotLayers = {};
    var highlighted = {};
    var highlightColour = HIGHLIGHT_COLOUR;
    var legend = null;
    var legendPanel = null;
    var layersPanel = null;
    var layerInputs = {};
    var busy = { count: 0, timer: null, node: null };

    element.classList.add("sm-map");
    if (!element.hasAttribute("role")) { element.setAttribute("role", "region"); }
    if (!element.hasAttribute("aria-label")) { element.setAttribute("aria-label", t.map_label); }

    var map = L.map(element, {
      zoomControl: false,
      attributionControl: false,
      dragging: interactive,
      touchZoom: interactive,
      scrollWheelZoom: interactive,
      doubleClickZoom: interactive,
      boxZoom: interactive,
      keyboard: interactive,
      zoomSnap: 1
    });

    specs.forEach(function (spec, index) {
      var paneName = "sm-" + spec.name;
      var pane = map.createPane(paneName);
      pane.style.zIndex = String(spec.popup === "destination" ? 610 : 300 + index);
      // SVG for every layer: in Chromium it draws these few thousand paths sooner than a
      // canvas per basemap layer, and lots stay DOM nodes that tests and tools can find
      var renderer = L.svg({ pane: paneName, padding: 0.3 });
      state[spec.name] = {
        spec: spec, pane: paneName, renderer: renderer, group: L.layerGroup(),
        shown: false, data: null, step: null, bbox: null, seq: 0, loaded: null
      };
    });
    map.createPane("sm-overlay").style.zIndex = "398";
    var overlayRenderer = L.svg({ pane: "sm-overlay" });

    if (config.tiles) {
      L.tileLayer(config.tiles.url, { attribution: "" }).addTo(map);
    }

    // ---------------------------------------------------------------- styles

    function isUnknownStatus(status) {
      return status === null || status === undefined || status === "";
    }

    function statusLabel(status) {
      if (isUnknownStatus(status)) { return config.legend.unknown.label; }
      for (var i = 0; i < config.legend.statuses.length; i++) {
        if (config.legend.statuses[i].status === status) { return config.legend.statuses[i].label; }
      }
      return config.legend.unknown.label;
    }

    function styleFor(spec, feature) {
      var p = feature.properties || {};
      var style = assign({}, spec.style);
      if (spec.style_by) {
        var key = p[spec.style_by];
        key = key === null || key === undefined ? "" : String(key);
        assign(style, spec.styles[key] || spec.styles[""] || {});
      }
      if (spec.dashed_by && p[spec.dashed_by]) { style.dashArray = config.dash; }
      if (spec.name === "lots" && highlighted[p.lot_id]) {
        style.color = highlightColour;
        style.weight = 4;
        style.dashArray = null;
      }
      return style;
    }

    // ---------------------------------------------------------------- popups

    function row(list, label, value) {
      list.appendChild(el("dt", { text: label }));
      list.appendChild(el("dd", { text: value }));
    }

    function note(box, text) {
      box.appendChild(el("p", { className: "sm-note", text: text }));
    }

    function link(box, href, text) {
      box.appendChild(el("p", { className: "sm-links" }, [el("a", { href: href, text: text })]));
    }

    function lotsOfPark(parkId) {
      var out = [];
      Object.keys(lotLayers).forEach(function (id) {
        var p = lotLayers[id].feature.properties;
        if (p.park_id === parkId) { out.push(p); }
      });
      return out;
    }

    var POPUPS = {
      lot: function (p) {
        var box = el("div", { className: "sm-popup sm-popup-lot" }, [
          el("h3", { text: format(t.lot_title, { lot_no: p.lot_no || "" }) })
        ]);
        if (p.park) { box.appendChild(el("p", { className: "sm-popup-sub", text: p.park })); }
        var list = el("dl");
        row(list, t.status, statusLabel(p.status));
        if (p.area_m2 !== null && p.area_m2 !== undefined) {
          row(list, t.area, format(t.area_value, { area: Number(p.area_m2).toLocaleString(locale) }));
        }
        box.appendChild(list);
        if (statusDate) { note(box, format(t.status_as_of, { date: statusDate })); }
        if (p.verified_on) { note(box, format(t.status_verified, { date: p.verified_on })); }
        if (p.illustrative) { note(box, t.illustrative_lot); }
        link(box, pageUrl(config.urls.lot, p.lot_id), t.lot_link);
        if (p.park_id) { link(box, pageUrl(config.urls.park, p.park_id), t.park_link); }
        return box;
      },
      park: function (p) {
        var box = el("div", { className: "sm-popup sm-popup-park" }, [el("h3", { text: p.name || "" })]);
        var list = el("dl");
        if (p.saleable_area_m2 !== null && p.saleable_area_m2 !== undefined) {
          row(list, t.saleable_area, format(t.area_value, { area: Number(p.saleable_area_m2).toLocaleString(locale) }));
        }
        box.appendChild(list);
        var lots = lotsOfPark(p.park_id);
        if (lots.length) {
          var available = lots.filter(function (lot) { return lot.status === "available"; }).length;
          box.appendChild(el("p", { className: "sm-popup-count", text: format(t.lots_available, { available: available, total: lots.length }) }));
          if (statusDate) { note(box, format(t.status_as_of, { date: statusDate })); }
        }
        if (p.derived) { note(box, t.derived_outline); }
        link(box, pageUrl(config.urls.park, p.park_id), t.park_link);
        return box;
      },
      zone: function (p) {
        var box = el("div", { className: "sm-popup sm-popup-zone" }, [el("h3", { text: p.name || "" })]);
        if (p.kind_label) { box.appendChild(el("p", { className: "sm-popup-sub", text: p.kind_label })); }
        if (p.approximate) { note(box, t.approximate_zone); }
        return box;
      },
      destination: function (p) {
        var box = el("div", { className: "sm-popup sm-popup-destination" }, [el("h3", { text: p.name || "" })]);
        if (p.kind_label) { box.appendChild(el("p", { className: "sm-popup-sub", text: p.kind_label })); }
        if (p.approximate) { note(box, t.approximate_location); }
        return box;
      },
      route: function (p) {
        var box = el("div", { className: "sm-popup sm-popup-route" }, [el("h3", { text: p.park || "" })]);
        box.appendChild(el("p", { text: format(t.route, { destination: p.destination || "", minutes: Number(p.minutes).toFixed(1) }) }));
        if (p.lot_count > 1) {
          box.appendChild(el("p", { className: "sm-popup-sub", text: format(t.route_range, { min: Number(p.min_minutes).toFixed(1), max: Number(p.max_minutes).toFixed(1) }) }));
        }
        note(box, t.assumed_speeds);
        return box;
      },
      band: function (p) {
        var box = el("div", { className: "sm-popup sm-popup-band" }, [el("p", { text: p.label || "" })]);
        note(box, t.assumed_speeds);
        return box;
      }
    };

    // ---------------------------------------------------------------- drawing

    function pointLayer(st, feature, latlng) {
      var spec = st.spec;
      var p = feature.properties || {};
      if (spec.popup === "destination") {
        var badge = el("span", { className: "sm-dest-badge", text: t.kind_short[p.kind] || "" });
        return L.marker(latlng, {
          pane: st.pane,
          icon: L.divIcon({ className: "sm-dest sm-dest-" + classSafe(p.kind), html: badge, iconSize: null }),
          title: p.name || "",
          alt: p.name || "",
          keyboard: interactive,
          interactive: interactive,
          riseOnHover: true
        });
      }
      return L.circleMarker(latlng, assign(
        { pane: st.pane, renderer: st.renderer, interactive: false }, styleFor(spec, feature)
      ));
    }

    function decorate(st, feature, layer) {
      var spec = st.spec;
      var p = feature.properties || {};
      if (spec.name === "lots") { lotLayers[p.lot_id] = layer; }
      if (spec.label_by && p[spec.label_by]) {
        // above the feature's centre, so that a small park stays visible under its name
        layer.bindTooltip(el("span", { text: p[spec.label_by] }), {
          permanent: true, direction: "top", offset: [0, -8], interactive: false, opacity: 1,
          className: "sm-label sm-label-" + classSafe(spec.name)
        });
      }
      if (spec.popup && spec.interactive && interactive && POPUPS[spec.popup]) {
        layer.bindPopup(function () { return POPUPS[spec.popup](feature.properties || {}); }, {
          maxWidth: 280, autoPanPadding: [16, 16]
        });
      }
    }

    function draw(st) {
      var spec = st.spec;
      if (spec.name === "lots") { lotLayers = {}; }
      var geo = L.geoJSON(st.data, {
        pane: st.pane,
        renderer: st.renderer,
        interactive: spec.interactive && interactive,
        style: function (feature) { return styleFor(spec, feature); },
        pointToLayer: function (feature, latlng) { return pointLayer(st, feature, latlng); },
        onEachFeature: function (feature, layer) { decorate(st, feature, layer); }
      });
      st.group.clearLayers();
      st.group.addLayer(geo);
      mark("sitingmap-drawn:" + spec.name);
      if (spec.name === "lots") {
        bringHighlightedToFront();
        updateLegend();
        var served = st.data.as_of || null;
        if (served !== (asOf || null)) { return setAsOf(asOf); }
      }
      return null;
    }

    // ---------------------------------------------------------------- loading

    function stepFor(zoom) {
      var chosen = config.detail_zooms[0];
      config.detail_zooms.forEach(function (z) { if (z <= zoom) { chosen = z; } });
      return chosen;
    }

    function viewBbox() {
      var b = map.getBounds();
      return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    }

    function requestBbox(step) {
      var b = map.getBounds().pad(BBOX_PAD);
      var west = b.getWest(), south = b.getSouth(), east = b.getEast(), north = b.getNorth();
      var limit = config.max_bbox_px * degreesPerPixel(step) * 0.98;
      var cx = (west + east) / 2, cy = (south + north) / 2;
      if (east - west > limit) { west = cx - limit / 2; east = cx + limit / 2; }
      if (north - south > limit) { south = cy - limit / 2; north = cy + limit / 2; }
      return [Math.max(west, -180), Math.max(south, -90), Math.min(east, 180), Math.min(north, 90)];
    }

    function contains(outer, inner) {
      return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
    }

    function layerUrl(spec, step, bbox) {
      var params = ["lang=" + encodeURIComponent(lang)];
      if (spec.detail) { params.push("zoom=" + step); }
      if (bbox) { params.push("bbox=" + bbox.map(function (v) { return v.toFixed(5); }).join(",")); }
      if (spec.name === "lots" && asOf) { params.push("as_of=" + encodeURIComponent(asOf)); }
      return config.urls.layer.replace("__NAME__", encodeURIComponent(spec.name)) + "?" + params.join("&");
    }

    function setBusy(delta) {
      busy.count += delta;
      if (!busy.node) { return; }
      if (busy.count > 0 && !busy.timer && busy.node.hidden) {
        busy.timer = setTimeout(function () {
          busy.timer = null;
          if (busy.count > 0) { busy.node.textContent = t.loading; busy.node.hidden = false; }
        }, BUSY_DELAY_MS);
      } else if (busy.count <= 0) {
        if (busy.timer) { clearTimeout(busy.timer); busy.timer = null; }
        if (busy.node.textContent === t.loading) { busy.node.hidden = true; }
      }
    }

    function showFailure() {
      if (!busy.node) { return; }
      busy.node.textContent = t.load_failed;
      busy.node.hidden = false;
      busy.node.classList.add("sm-failed");
    }

    function load(name) {
      var st = state[name];
      var spec = st.spec;
      var step = spec.detail ? stepFor(map.getZoom()) : null;
      var needsBbox = spec.bbox_zoom !== null && spec.bbox_zoom !== undefined && step !== null && step >= spec.bbox_zoom;
      var fresh = st.data !== null && st.step === step &&
        (needsBbox ? st.bbox !== null && contains(st.bbox, viewBbox()) : st.bbox === null);
      if (fresh && st.loaded) { return st.loaded; }
      var bbox = needsBbox ? requestBbox(step) : null;
      var seq = ++st.seq;
      setBusy(1);
      st.loaded = fetchJson(layerUrl(spec, step, bbox)).then(function (data) {
        setBusy(-1);
        if (seq !== st.seq) { return null; }
        st.data = data;
        st.step = step;
        st.bbox = bbox;
        return draw(st);
      }, function (error) {
        setBusy(-1);
        if (seq === st.seq) { st.loaded = null; }
        throw error;
      });
      return st.loaded;
    }

    function refresh() {
      Object.keys(state).forEach(function (name) {
        var st = state[name];
        if (st.shown && (st.spec.detail || st.spec.bbox_zoom)) {
          load(name).catch(showFailure);
        }
      });
    }

    map.on("zoomend moveend", refresh);

    // ---------------------------------------------------------------- show / hide

    function dispatch(type, detail) {
      var event;
      try {
        event = new CustomEvent(type, { detail: detail });
      } catch (e) {
        event = document.createEvent("CustomEvent");
        event.initCustomEvent(type, false, false, detail);
      }
      element.dispatchEvent(event);
    }

    function syncInput(name) {
      var input = layerInputs[name];
      if (input) { input.checked = state[name].shown; }
      if (layerInputs.__bandsNone) {
        var anyBand = specs.some(function (s) { return s.group === "access" && state[s.name].shown; });
        layerInputs.__bandsNone.checked = !anyBand;
      }
    }

    function show(name) {
      var st = state[name];
      if (!st) { return Promise.reject(new Error("SitingMap: no layer " + name)); }
      if (st.spec.group === "access") {
        specs.forEach(function (s) { if (s.group === "access" && s.name !== name) { hide(s.name); } });
      }
      if (!st.shown) {
        st.shown = true;
        st.group.addTo(map);
        syncInput(name);
        updateLegend();
        dispatch("sitingmap:layer", { name: name, shown: true });
      }
      return load(name);
    }

    function hide(name) {
      var st = state[name];
      if (!st) { return Promise.reject(new Error("SitingMap: no layer " + name)); }
      if (st.shown) {
        st.shown = false;
        map.removeLayer(st.group);
        syncInput(name);
        updateLegend();
        dispatch("sitingmap:layer", { name: name, shown: false });
      }
      return Promise.resolve();
    }

    function ensureData(name) {
      var st = state[name];
      if (!st) { return Promise.resolve(null); }
      if (st.data) { return Promise.resolve(st.data); }
      return load(name).then(function () { return st.data; });
    }

    // ---------------------------------------------------------------- status on a date

    function restyleLots() {
      var spec = state.lots ? state.lots.spec : null;
      if (!spec) { return; }
      Object.keys(lotLayers).forEach(function (id) {
        lotLayers[id].setStyle(styleFor(spec, lotLayers[id].feature));
      });
    }

    function setAsOf(date) {
      asOf = date || null;
      var url = config.urls.statuses + "?lang=" + encodeURIComponent(lang) +
        (asOf ? "&as_of=" + encodeURIComponent(asOf) : "");
      return fetchJson(url).then(function (data) {
        if ((data.as_of || null) !== asOf) { return; }  // a newer date was asked meanwhile
        statusDate = data.status_date;
        latestEvent = data.latest_event;
        Object.keys(lotLayers).forEach(function (id) {
          var props = lotLayers[id].feature.properties;
          props.status = Object.prototype.hasOwnProperty.call(data.statuses, id) ? data.statuses[id] : null;
        });
        if (state.lots && state.lots.data) { state.lots.data.as_of = asOf; }
        restyleLots();
        updateLegend();
        dispatch("sitingmap:asof", { asOf: asOf, statusDate: statusDate, latestEvent: latestEvent });
      });
    }

    // ---------------------------------------------------------------- highlight, fit, overlay

    function bringHighlightedToFront() {
      Object.keys(highlighted).forEach(function (id) {
        if (lotLayers[id] && lotLayers[id].bringToFront) { lotLayers[id].bringToFront(); }
      });
    }

    function boundsOf(layers) {
      var bounds = null;
      layers.forEach(function (layer) {
        var b = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
        bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
      });
      return bounds;
    }

    // Fit inside the part of the map that open panels leave free (unless they would take
    // more than half of it, as on a phone, where they start collapsed anyway).
    function fitOptions() {
      var left = panelWidth(legendPanel), right = panelWidth(layersPanel);
      if (left + right > element.clientWidth / 2) { left = 0; right = 0; }
      return {
        paddingTopLeft: [FIT_PADDING + left, FIT_PADDING],
        paddingBottomRight: [FIT_PADDING + right, FIT_PADDING],
        maxZoom: FIT_MAX_ZOOM,
        animate: false
      };
    }

    function panelWidth(panel) {
      return panel && !panel.classList.contains("sm-collapsed") ? panel.offsetWidth + 8 : 0;
    }

    function fitBounds(bounds) {
      if (bounds && (!bounds.isValid || bounds.isValid())) { map.fitBounds(bounds, fitOptions()); }
    }

    function fitLayers(layers) {
      fitBounds(boundsOf(layers));
    }

    function featureLayers(name, key, ids) {
      var st = state[name];
      var out = [];
      if (!st) { return out; }
      var wanted = {};
      (ids || []).forEach(function (id) { wanted[id] = true; });
      st.group.eachLayer(function (geo) {
        geo.eachLayer(function (layer) {
          if (!ids || wanted[layer.feature.properties[key]]) { out.push(layer); }
        });
      });
      return out;
    }

    function fit(target) {
      target = target || "parks";
      if (Array.isArray(target)) {
        fitBounds(L.latLngBounds(target));
        return Promise.resolve();
      }
      if (target.type) {
        fitLayers([L.geoJSON(target)]);
        return Promise.resolve();
      }
      var name = target === "lots" || target.lots ? "lots" : "parks";
      var key = name === "lots" ? "lot_id" : "park_id";
      var ids = typeof target === "string" ? null : target[name];
      return ensureData(name).then(function () { fitLayers(featureLayers(name, key, ids)); });
    }

    function highlight(ids, opts) {
      opts = opts || {};
      highlighted = {};
      (ids || []).forEach(function (id) { highlighted[id] = true; });
      if (opts.colour) { highlightColour = opts.colour; }
      element.setAttribute("data-highlighted", (ids || []).join(" "));
      return ensureData("lots").then(function () {
        restyleLots();
        bringHighlightedToFront();
        if (opts.fit && ids && ids.length) { return fit({ lots: ids }); }
        return null;
      });
    }

    function overlay(geojson, style) {
      return L.geoJSON(geojson, {
        pane: "sm-overlay", renderer: overlayRenderer, interactive: false,
        style: assign({ color: HIGHLIGHT_COLOUR, weight: 3, dashArray: "8 4", fill: false }, style || {})
      }).addTo(map);
    }

    function lot(id) {
      return lotLayers[id] ? lotLayers[id].feature : null;
    }

    // ---------------------------------------------------------------- controls

    function collapsible(box, title, body, startCollapsed) {
      var bodyId = uid("sm-panel");
      body.id = bodyId;
      body.className = "sm-panel-body";
      var toggle = el("button", {
        type: "button", className: "sm-toggle", "aria-controls": bodyId,
        "aria-expanded": startCollapsed ? "false" : "true", text: title
      });
      body.hidden = !!startCollapsed;
      box.classList.toggle("sm-collapsed", !!startCollapsed);
      function set(open) {
        body.hidden = !open;
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        box.classList.toggle("sm-collapsed", !open);
      }
      toggle.addEventListener("click", function () { set(body.hidden); });
      box.addEventListener("keydown", function (event) {
        if ((event.key === "Escape" || event.key === "Esc") && !body.hidden) {
          set(false);
          toggle.focus();
        }
      });
      box.appendChild(toggle);
      box.appendChild(body);
      return set;
    }

    function control(position, node) {
      var Control = L.Control.extend({ onAdd: function () { return node; } });
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return new Control({ position: position }).addTo(map);
    }

    function swatch(colour, extra) {
      var node = el("span", { className: "sm-swatch" + (extra ? " " + extra : ""), "aria-hidden": "true" });
      if (colour) { node.style.backgroundColor = colour; }
      return node;
    }

    function buildLayerControl() {
      var box = el("section", { className: "sm-panel sm-layers leaflet-bar", "aria-label": t.layers_title });
      var body = el("div");
      function checkbox(spec, fieldset) {
        var input = el("input", { type: "checkbox", name: "sm-layer", value: spec.name });
        input.checked = state[spec.name].shown || isInitiallyVisible(spec);
        input.addEventListener("change", function () {
          (input.checked ? show(spec.name) : hide(spec.name)).catch(showFailure);
        });
        layerInputs[spec.name] = input;
        fieldset.appendChild(el("label", { className: "sm-check" }, [input, " ", el("span", { text: spec.title })]));
      }
      var data = el("fieldset", {}, [el("legend", { text: t.layers_title })]);
      specs.filter(function (s) { return s.group === "data"; }).forEach(function (s) { checkbox(s, data); });
      body.appendChild(data);
      var bands = specs.filter(function (s) { return s.group === "access"; });
      if (bands.length) {
        var radioName = uid("sm-bands");
        var fieldset = el("fieldset", {}, [el("legend", { text: t.bands_title })]);
        var none = el("input", { type: "radio", name: radioName, value: "" });
        none.checked = !bands.some(isInitiallyVisible);
        none.addEventListener("change", function () {
          if (none.checked) { bands.forEach(function (s) { hide(s.name); }); }
        });
        layerInputs.__bandsNone = none;
        fieldset.appendChild(el("label", { className: "sm-check" }, [none, " ", el("span", { text: t.bands_none })]));
        bands.forEach(function (spec) {
          var input = el("input", { type: "radio", name: radioName, value: spec.name });
          input.checked = isInitiallyVisible(spec);
          input.addEventListener("change", function () {
            if (input.checked) { show(spec.name).catch(showFailure); }
          });
          layerInputs[spec.name] = input;
          fieldset.appendChild(el("label", { className: "sm-check" }, [input, " ", el("span", { text: spec.title })]));
        });
        body.appendChild(fieldset);
      }
      var base = el("fieldset", {}, [el("legend", { text: t.basemap_title })]);
      specs.filter(function (s) { return s.group === "basemap"; }).forEach(function (s) { checkbox(s, base); });
      body.appendChild(base);
      collapsible(box, t.layers_button, body, collapsed);
      control("topright", box);
      layersPanel = box;
    }

    function buildLegend() {
      var box = el("section", { className: "sm-panel sm-legend", "aria-label": t.legend_button });
      var body = el("div");
      var rows = {};
      body.appendChild(el("h3", { text: t.legend_status }));
      var list = el("ul", { className: "sm-legend-list" });
      config.legend.statuses.concat([config.legend.unknown]).forEach(function (entry) {
        var count = el("span", { className: "sm-count" });
        var item = el("li", { "data-status": entry.status }, [
          swatch(entry.colour, entry.status ? "" : "sm-swatch-unknown"),
          el("span", { className: "sm-legend-label", text: entry.label }),
          count
        ]);
        rows[entry.status] = { item: item, count: count };
        list.appendChild(item);
      });
      rows[""].item.hidden = true;
      body.appendChild(list);
      body.appendChild(el("p", { className: "sm-legend-row sm-legend-park" }, [swatch(null, "sm-swatch-park"), el("span", { text: t.legend_park })]));
      body.appendChild(el("p", { className: "sm-legend-row sm-legend-dashed" }, [swatch(null, "sm-swatch-dashed"), el("span", { text: t.legend_dashed })]));
      var bandsBox = el("div", { className: "sm-legend-bands" });
      var bandsTitle = el("h3");
      bandsBox.appendChild(bandsTitle);
      var bandList = el("ul", { className: "sm-legend-list" });
      config.legend.bands.forEach(function (entry) {
        bandList.appendChild(el("li", {}, [swatch(entry.colour, "sm-swatch-band"), el("span", { text: entry.label })]));
      });
      bandsBox.appendChild(bandList);
      bandsBox.appendChild(el("p", { className: "sm-legend-note", text: t.legend_bands_note }));
      bandsBox.hidden = true;
      body.appendChild(bandsBox);
      collapsible(box, t.legend_button, body, collapsed);
      control("bottomleft", box);
      legendPanel = box;
      legend = { rows: rows, bandsBox: bandsBox, bandsTitle: bandsTitle };
    }

    function updateLegend() {
      if (!legend) { return; }
      var counts = {};
      Object.keys(lotLayers).forEach(function (id) {
        var s = lotLayers[id].feature.properties.status;
        s = isUnknownStatus(s) ? "" : s;
        counts[s] = (counts[s] || 0) + 1;
      });
      var lotsShown = state.lots && state.lots.shown;
      Object.keys(legend.rows).forEach(function (status) {
        var n = counts[status] || 0;
        legend.rows[status].count.textContent = lotsShown && Object.keys(lotLayers).length ? format(t.legend_count, { count: n.toLocaleString(locale) }) : "";
        if (status === "") { legend.rows[status].item.hidden = n === 0; }
      });
      var band = specs.filter(function (s) { return s.group === "access" && state[s.name].shown; })[0];
      legend.bandsBox.hidden = !band;
      legend.bandsTitle.textContent = band ? format(t.legend_bands, { destination: band.title }) : "";
    }

    function buildCredits() {
      var credits = config.credits.slice();
      if (config.tiles && config.tiles.attribution) { credits.unshift(config.tiles.attribution); }
      var box = el("div", { className: "sm-credits" });
      var full = el("span", { className: "sm-credits-all", text: t.credits_title + ": " + credits.join(" · ") });
      if (collapsed && credits.length > 1) {
        var short = el("span", { className: "sm-credits-short", text: credits[0] });
        var more = el("button", { type: "button", className: "sm-credits-more", "aria-expanded": "false", text: t.credits_more });
        full.hidden = true;
        more.addEventListener("click", function () {
          var open = full.hidden;
          full.hidden = !open;
          short.hidden = open;
          more.setAttribute("aria-expanded", open ? "true" : "false");
        });
        box.appendChild(short);
        box.appendChild(more);
      }
      box.appendChild(full);
      control("bottomright", box);
    }

    function isInitiallyVisible(spec) {
      if (options.layers && Object.prototype.hasOwnProperty.call(options.layers, spec.name)) {
        return !!options.layers[spec.name];
      }
      return !!spec.visible;
    }

    // ---------------------------------------------------------------- start

    if (controls.credits) { buildCredits(); }
    if (interactive) {
      L.control.zoom({ zoomInTitle: t.zoom_in, zoomOutTitle: t.zoom_out }).addTo(map);
      L.control.scale({ imperial: false, position: "bottomright" }).addTo(map);
      map.on("popupopen", function (event) {
        var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
        if (close) { close.setAttribute("aria-label", t.close); close.setAttribute("title", t.close); }
      });
    }
    if (controls.legend) { buildLegend(); }
    if (controls.layers) { buildLayerControl(); }
    busy.node = el("p", { className: "sm-status", role: "status", "aria-live": "polite" });
    busy.node.hidden = true;
    element.appendChild(busy.node);
    L.DomEvent.disableClickPropagation(busy.node);

    // The view is set once the panels exist, so that it leaves room for them.
    map.setView([36.58, 136.65], 11);
    if (config.bounds) { fitBounds(L.latLngBounds(config.bounds)); }
    if (options.fit && options.fit !== "parks") { fit(options.fit); }

    var initial = specs.filter(isInitiallyVisible);
    var focusLots = options.highlight || (config.focus && config.focus.lots) || [];
    var ready = Promise.all(initial.map(function (spec) { return show(spec.name); }))
      .then(function () {
        return focusLots.length ? highlight(focusLots) : null;
      })
      .then(function () {
        element.setAttribute("data-ready", "true");
        mark("sitingmap-ready");
        global.requestAnimationFrame(function () {
          global.requestAnimationFrame(function () { mark("sitingmap-painted"); });
        });
        dispatch("sitingmap:ready", {});
      }, function () {
        element.setAttribute("data-ready", "error");
        showFailure();
      });

    return {
      map: map,
      ready: ready,
      show: show,
      hide: hide,
      shown: function (name) { return !!(state[name] && state[name].shown); },
      setAsOf: setAsOf,
      highlight: highlight,
      fit: fit,
      overlay: overlay,
      lot: lot
    };
  }

  // Declarative use, no page script needed:
  //   <div id="lot-map" data-siting-map="lot-map-config" data-controls="false"></div>
  // creates a map from the JSON block with that id; the instance is element.sitingMap.
  function autoCreate() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-siting-map]"), function (node) {
      if (node.sitingMap) { return; }
      var options = {};
      if (node.getAttribute("data-controls") === "false") { options.controls = false; }
      if (node.getAttribute("data-interactive") === "false") { options.interactive = false; }
      node.sitingMap = create(node, readConfig(node.getAttribute("data-siting-map")), options);
    });
  }

  global.SitingMap = {
    create: create, createAll: autoCreate, readConfig: readConfig, format: format, version: 1
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", autoCreate);
  } else {
    autoCreate();
  }
})(window);
