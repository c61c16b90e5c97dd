/* The planner's map: draw or upload an area, show its assessment, the suitability layer,
   candidate areas and residents per census small area. Builds every element with
   createElement/textContent; reads its settings from the JSON block #planner-config. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("planner-config").textContent);
  var t = config.t;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function showErrors(title, problems) {
    var box = document.getElementById("planner-errors");
    document.getElementById("planner-error-title").textContent = title;
    var list = document.getElementById("planner-error-list");
    clear(list);
    (problems || []).forEach(function (p) { list.appendChild(el("li", p)); });
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }

  function hideErrors() {
    document.getElementById("planner-errors").hidden = true;
  }

  function fetchJson(url, options) {
    options = options || {};
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var err = new Error(body.error || t.failed);
          err.problems = body.problems || [];
          throw err;
        }
        return body;
      });
    });
  }

  // ---------------------------------------------------------------- the map
  var map = L.map("planner-map", { preferCanvas: true }).setView([36.56, 136.66], 11);
  if (config.tiles) {
    L.tileLayer(config.tiles, { attribution: config.tilesAttribution || "" }).addTo(map);
  }
  var overlays = {};
  var control = L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  var areaLayer = L.featureGroup().addTo(map);
  var accessLayer = L.layerGroup().addTo(map);
  control.addOverlay(areaLayer, t.area);
  control.addOverlay(accessLayer, t.accessPoints);

  fetchJson(config.urls.context).then(function (data) {
    var boundary = L.geoJSON(data, {
      filter: function (f) { return f.properties.layer === "boundary"; },
      style: { color: "#333", weight: 2, fill: false, dashArray: "6 4" },
      interactive: false
    }).addTo(map);
    var parks = L.geoJSON(data, {
      filter: function (f) { return f.properties.layer === "park"; },
      style: { color: "#5a3d8a", weight: 2, fillOpacity: 0.25 },
      // Leaflet reads a string tooltip as HTML: hand it a text node's element instead
      onEachFeature: function (f, layer) { layer.bindTooltip(el("span", f.properties.label)); }
    }).addTo(map);
    control.addOverlay(boundary, t.boundary);
    control.addOverlay(parks, t.parks);
    // at once, not animated: the view is final when the map stops being busy
    map.fitBounds(boundary.getBounds(), { animate: false });
  }).finally(function () {
    // drawing before this could see the map move under the pointer
    document.getElementById("planner-map").setAttribute("aria-busy", "false");
  });

  fetchJson(config.urls.smallAreas).then(function (data) {
    var layer = L.geoJSON(data, {
      pointToLayer: function (f, latlng) {
        var pop = f.properties.population || 0;
        return L.circleMarker(latlng, {
          radius: Math.max(1.5, Math.sqrt(pop) / 8),
          color: "#6a51a3", weight: 0.5, fillColor: "#6a51a3", fillOpacity: 0.45
        });
      },
      onEachFeature: function (f, layer) {
        var name = (config.lang === "ja" ? f.properties.municipality_ja : f.properties.municipality_en) +
          " " + f.properties.name_ja;
        layer.bindTooltip(el("span", name + ": " + Number(f.properties.population).toLocaleString() + " " + t.residents));
      }
    });
    control.addOverlay(layer, t.smallAreas);
  });

  // ---------------------------------------------------------------- drawing
  var geojsonBox = document.getElementById("area-geojson");
  function localiseDraw(d) {
    var draw = L.drawLocal.draw;
    var edit = L.drawLocal.edit;
    draw.toolbar.buttons.polygon = d.polygon;
    draw.toolbar.actions = { title: d.cancelTitle, text: d.cancel };
    draw.toolbar.finish = { title: d.finishTitle, text: d.finish };
    draw.toolbar.undo = { title: d.undoTitle, text: d.undo };
    draw.handlers.polygon.tooltip = { start: d.start, cont: d.cont, end: d.end };
    draw.handlers.polyline.error = d.crossing;
    edit.toolbar.buttons = { edit: d.edit, editDisabled: d.editDisabled, remove: d.remove, removeDisabled: d.removeDisabled };
    edit.toolbar.actions = {
      save: { title: d.saveTitle, text: d.save },
      cancel: { title: d.cancelEditTitle, text: d.cancel },
      clearAll: { title: d.clearAllTitle, text: d.clearAll }
    };
    edit.handlers.edit.tooltip = { text: d.editTooltip, subtext: d.editSubtext };
    edit.handlers.remove.tooltip = { text: d.removeTooltip };
  }
  if (L.Control.Draw) {
    localiseDraw(config.draw);
    var drawControl = new L.Control.Draw({
      draw: { polygon: { allowIntersection: false, showArea: true }, polyline: false, rectangle: false,
        circle: false, marker: false, circlemarker: false },
      edit: { featureGroup: areaLayer, remove: true }
    });
    map.addControl(drawControl);
    map.on(L.Draw.Event.CREATED, function (e) {
      areaLayer.clearLayers();
      areaLayer.addLayer(e.layer);
      geojsonBox.value = JSON.stringify(e.layer.toGeoJSON().geometry);
      assessDrawn();
    });
    map.on(L.Draw.Event.EDITED, function () {
      var layers = areaLayer.getLayers();
      if (layers.length) {
        geojsonBox.value = JSON.stringify(layers[0].toGeoJSON().geometry);
        assessDrawn();
      }
    });
    map.on(L.Draw.Event.DELETED, function () { geojsonBox.value = ""; });
  }

  // ---------------------------------------------------------------- weights
  var weightsForm = document.getElementById("weights-form");
  function weightParams() {
    var params = new URLSearchParams();
    var doc = document.getElementById("weights-doc");
    if (doc && doc.value.trim() !== "") {
      params.set("weights", doc.value);
      return params;
    }
    weightsForm.querySelectorAll("input[name^='w_']").forEach(function (input) {
      if (input.value !== "") params.set(input.name, input.value);
    });
    return params;
  }

  // ---------------------------------------------------------------- assessing
  function number(value, digits) {
    if (value === null || value === undefined) return t.noData;
    return Number(value).toLocaleString(config.lang, { maximumFractionDigits: digits });
  }

  function showResult(r) {
    hideErrors();
    var section = document.getElementById("result");
    var figures = document.getElementById("result-figures");
    clear(figures);
    var rows = [
      [t.areaHa, number(r.area_ha, 2)],
      [t.score, number(r.score, 3)]
    ];
    ["interchange", "port", "airport", "station"].forEach(function (kind) {
      if (!(kind in r.drive_minutes)) return;
      var dest = r.drive_destinations[kind];
      var name = dest ? (config.lang === "ja" ? dest.name_ja : dest.name_en) : kind;
      rows.push([name, number(r.drive_minutes[kind], 1) + " " + t.minutes]);
    });
    Object.keys(r.population_within).forEach(function (band) {
      rows.push([band + " " + t.minutes, number(r.population_within[band], 0) + " " + t.residents]);
    });
    rows.forEach(function (row) {
      figures.appendChild(el("dt", row[0]));
      figures.appendChild(el("dd", row[1]));
    });
    var body = document.getElementById("result-criteria");
    clear(body);
    Object.keys(r.criteria).forEach(function (name) {
      var c = r.criteria[name];
      var tr = document.createElement("tr");
      tr.dataset.criterion = name;
      tr.appendChild(el("th", c.label_text || c.label));
      tr.lastChild.scope = "row";
      tr.appendChild(el("td", c.value === "no data" ? t.noData : c.value + " " + (c.unit_text || c.unit), c.value === "no data" ? "no-data" : null));
      tr.appendChild(el("td", c.score === null ? "—" : number(c.score, 3), "num"));
      tr.appendChild(el("td", number(c.weight_used, 2), "num"));
      body.appendChild(tr);
    });
    document.querySelectorAll("#exports input[name='geojson']").forEach(function (input) {
      input.value = JSON.stringify(r.geometry);
    });
    document.querySelectorAll("#exports form").forEach(function (form) {
      form.querySelectorAll("input.weight").forEach(function (i) { i.remove(); });
      weightParams().forEach(function (value, key) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = key; input.value = value; input.className = "weight";
        form.appendChild(input);
      });
    });
    section.hidden = false;
    areaLayer.clearLayers();
    var shape = L.geoJSON(r.geometry, { style: { color: "#b30000", weight: 2, fillColor: "#fdd49e", fillOpacity: 0.5 } });
    areaLayer.addLayer(shape);
    accessLayer.clearLayers();
    r.access_points.points.slice(0, 500).forEach(function (p) {
      L.circleMarker([p.lat, p.lon], { radius: 4, color: "#08519c", fillOpacity: 0.9 }).addTo(accessLayer);
    });
    map.fitBounds(shape.getBounds(), { maxZoom: 15 });
  }

  function assess(body) {
    var status = document.getElementById("result-note");
    status.textContent = t.working;
    weightParams().forEach(function (value, key) { body.append(key, value); });
    return fetchJson(config.urls.assess, { method: "POST", body: body })
      .then(function (r) { status.textContent = ""; showResult(r); })
      .catch(function (err) { status.textContent = ""; showErrors(err.message, err.problems); });
  }

  function assessDrawn() {
    var body = new FormData();
    body.append("geojson", geojsonBox.value);
    return assess(body);
  }

  document.getElementById("draw-form").addEventListener("submit", function (e) {
    e.preventDefault();
    assessDrawn();
  });
  document.getElementById("upload-form").addEventListener("submit", function (e) {
    e.preventDefault();
    assess(new FormData(e.target));
  });

  // ---------------------------------------------------------------- suitability
  var suitLayer = null;
  var candLayer = null;
  weightsForm.addEventListener("submit", function (e) {
    e.preventDefault();
    var box = document.getElementById("candidates");
    clear(box);
    box.appendChild(el("p", t.working));
    fetchJson(config.urls.suitability + "?" + weightParams().toString())
      .then(function (data) {
        hideErrors();
        if (suitLayer) { map.removeLayer(suitLayer); control.removeLayer(suitLayer); }
        if (candLayer) { map.removeLayer(candLayer); control.removeLayer(candLayer); }
        suitLayer = L.imageOverlay(data.image, data.bounds, { opacity: 0.8, interactive: false }).addTo(map);
        control.addOverlay(suitLayer, t.suitability);
        candLayer = L.geoJSON(data.candidates, {
          style: { color: "#08306b", weight: 2, fillOpacity: 0 },
          onEachFeature: function (f, layer) {
            layer.bindTooltip(el("span", t.rank + " " + f.properties.rank + " · " + t.score + " " +
              number(f.properties.score, 3) + " · " + number(f.properties.area_ha, 1) + " ha"));
          }
        }).addTo(map);
        control.addOverlay(candLayer, t.candidates);
        clear(box);
        box.appendChild(el("h3", t.candidates));
        var list = el("ol", null, "candidate-list");
        data.candidates.features.slice(0, 15).forEach(function (f) {
          var p = f.properties;
          var item = el("li");
          item.appendChild(el("span", t.rank + " " + p.rank + ": " + t.score + " " + number(p.score, 3) +
            ", " + number(p.area_ha, 1) + " ha "));
          var link = el("a", t.assessCandidate);
          link.href = p.links.html;
          item.appendChild(link);
          ["geojson", "csv", "pdf"].forEach(function (fmt) {
            item.appendChild(document.createTextNode(" · "));
            var a = el("a", fmt.toUpperCase());
            a.href = p.links[fmt];
            item.appendChild(a);
          });
          list.appendChild(item);
        });
        box.appendChild(list);
      })
      .catch(function (err) { clear(box); showErrors(err.message, err.problems); });
  });
})();
