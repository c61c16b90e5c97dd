/* Small offline maps of the lot, park and pitch pages.
 *
 * Each map is a <div class="page-map" data-map-data="ID"> with its GeoJSON in the
 * <script type="application/json" id="ID"> block: the park outline, its lots (status on the
 * page's date), optionally the focus lot, its drive routes and their destinations, and a
 * clipped basemap (roads, water, rail). Texts come from #map-texts. Labels are built with
 * textContent, never as HTML. The map zooms to the focus lot's park (or the park). */
(function () {
  "use strict";

  var STATUS_COLOURS = {
    available: "#1a9850", negotiating: "#fdae61", reserved: "#d73027",
    sold: "#7f7f7f", planned: "#4575b4", unknown: "#ffffff"
  };
  var ROAD_STYLES = {
    motorway: { color: "#e8913a", weight: 3 }, trunk: { color: "#f2b35b", weight: 2.5 },
    primary: { color: "#b0a58f", weight: 2 }, secondary: { color: "#c2b9a6", weight: 1.5 },
    tertiary: { color: "#cfc8b8", weight: 1.2 }, minor: { color: "#ddd6c8", weight: 0.8 }
  };
  var FOCUS_COLOUR = "#d6006f";
  var ROUTE_COLOUR = "#6a3d9a";

  var textsNode = document.getElementById("map-texts");
  var texts = textsNode ? JSON.parse(textsNode.textContent) : { statuses: {} };
  window.sitingPageMaps = window.sitingPageMaps || {};

  function span(text, className) {
    var node = document.createElement("span");
    node.textContent = text;
    if (className) { node.className = className; }
    return node;
  }

  function lotLabel(lotId) {
    var parts = String(lotId).split("/");
    return parts.length > 1 ? parts.slice(1).join("/") : lotId;
  }

  function lotPopup(props) {
    var box = document.createElement("div");
    box.appendChild(span(texts.lot + " " + lotLabel(props.lot_id), "popup-title"));
    box.appendChild(document.createElement("br"));
    box.appendChild(span(texts.statuses[props.status || "unknown"] || props.status || ""));
    if (texts.lot_page) {
      box.appendChild(document.createElement("br"));
      var link = document.createElement("a");
      link.href = texts.lot_page.replace("LOT_ID", props.lot_id);
      link.textContent = texts.open_lot || texts.lot;
      box.appendChild(link);
    }
    return box;
  }

  function draw(holder) {
    var dataNode = document.getElementById(holder.getAttribute("data-map-data"));
    if (!dataNode || typeof L === "undefined") { return; }
    var data = JSON.parse(dataNode.textContent);
    var focus = {};
    (data.focus || []).forEach(function (id) { focus[id] = true; });
    var map = L.map(holder, { scrollWheelZoom: false, attributionControl: true, zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(texts.attribution || "");
    var basemap = data.basemap || {};
    if (basemap.water) {
      L.geoJSON(basemap.water, { interactive: false, style: { color: "#9ecae1", weight: 0.5, fillColor: "#c6dbef", fillOpacity: 0.8 } }).addTo(map);
    }
    if (basemap.roads) {
      L.geoJSON(basemap.roads, {
        interactive: false,
        style: function (f) { var s = ROAD_STYLES[f.properties["class"]] || ROAD_STYLES.minor; return { color: s.color, weight: s.weight, opacity: 0.9 }; }
      }).addTo(map);
    }
    if (basemap.rail) {
      L.geoJSON(basemap.rail, { interactive: false, style: { color: "#444", weight: 1.5, dashArray: "1 4" } }).addTo(map);
    }
    var park = data.park ? L.geoJSON(data.park, {
      style: { color: "#222", weight: 2, dashArray: "6 4", fill: true, fillOpacity: 0.03 }
    }).addTo(map) : null;
    var lotIndex = {};
    var lots = data.lots ? L.geoJSON(data.lots, {
      style: function (f) {
        var p = f.properties;
        var colour = STATUS_COLOURS[p.status] || STATUS_COLOURS.unknown;
        if (focus[p.lot_id]) {
          return { color: FOCUS_COLOUR, weight: 4, fillColor: colour, fillOpacity: 0.75 };
        }
        return { color: "#555", weight: 1, dashArray: p.is_illustrative ? "4 3" : null, fillColor: colour, fillOpacity: 0.55 };
      },
      onEachFeature: function (f, layer) {
        lotIndex[f.properties.lot_id] = layer;
        layer.bindTooltip(span(texts.lot + " " + lotLabel(f.properties.lot_id) + " · " + (texts.statuses[f.properties.status || "unknown"] || "")));
        layer.bindPopup(lotPopup(f.properties));
      }
    }).addTo(map) : null;
    var routes = data.routes ? L.geoJSON(data.routes, {
      style: { color: ROUTE_COLOUR, weight: 3, opacity: 0.8, dashArray: "8 5" },
      onEachFeature: function (f, layer) {
        layer.bindTooltip(span(texts.route + " · " + Number(f.properties.minutes).toFixed(1) + " " + texts.min));
      }
    }).addTo(map) : null;
    if (data.destinations) {
      L.geoJSON(data.destinations, {
        pointToLayer: function (f, latlng) {
          return L.circleMarker(latlng, { radius: 5, color: "#222", weight: 1.5, fillColor: "#fff", fillOpacity: 1 });
        }
      }).addTo(map);
    }
    var bounds = null;
    [park, lots].forEach(function (layer) {
      if (layer && layer.getLayers().length) {
        bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
      }
    });
    if (bounds) { map.fitBounds(bounds.pad(0.08), { animate: false }); }
    else { map.setView([36.58, 136.65], 11); }
    Object.keys(focus).forEach(function (id) { if (lotIndex[id]) { lotIndex[id].bringToFront(); } });
    holder.setAttribute("data-ready", "true");
    window.sitingPageMaps[holder.id] = { map: map, lots: lotIndex, routes: routes, park: park };
  }

  Array.prototype.forEach.call(document.querySelectorAll(".page-map[data-map-data]"), draw);
})();
