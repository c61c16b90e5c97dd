// Draws the dry-run diff of a lot import on a Leaflet map; data comes from a JSON block.
(function () {
  "use strict";
  var holder = document.getElementById("import-map");
  var dataNode = document.getElementById("import-diff-data");
  if (!holder || !dataNode || typeof L === "undefined") { return; }
  var data = JSON.parse(dataNode.textContent);
  var colours = { added: "#1a7f37", removed: "#cf222e", changed: "#d4760a", unchanged: "#6e7781" };
  var map = L.map(holder);
  var layer = L.geoJSON(data, {
    style: function (f) {
      var c = colours[f.properties.change] || "#333";
      return { color: c, weight: 2, fillOpacity: f.properties.change === "unchanged" ? 0.1 : 0.35 };
    },
    onEachFeature: function (f, l) {
      var box = document.createElement("div");
      box.textContent = f.properties.label || f.properties.lot_id;
      l.bindTooltip(box);
    }
  }).addTo(map);
  var bounds = layer.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([36.56, 136.65], 11); }
})();
