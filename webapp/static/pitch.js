/* Pitch sheet: a small static map of the lot and its park (offline Leaflet, no tiles). */
(function () {
  "use strict";
  var holder = document.getElementById("pitch-map");
  var dataNode = document.getElementById("pitch-map-data");
  if (!holder || !dataNode || typeof L === "undefined") { return; }
  var data = JSON.parse(dataNode.textContent);
  var map = L.map(holder, {
    zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false,
    doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false
  });
  var park = L.geoJSON(data.park, {
    style: { color: "#1f3a5f", weight: 2, dashArray: "6 4", fillColor: "#9db4d3", fillOpacity: 0.25 }
  }).addTo(map);
  var lot = L.geoJSON(data.lot, {
    style: { color: "#c2185b", weight: 3, dashArray: "6 4", fillColor: "#e91e63", fillOpacity: 0.55 }
  }).addTo(map);
  var bounds = park.getBounds().extend(lot.getBounds());
  map.fitBounds(bounds.pad(0.1), { animate: false });
  window.sitingPitch = { map: map, lot: lot, park: park };
  var button = document.getElementById("print-button");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
