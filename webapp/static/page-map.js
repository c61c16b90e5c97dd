/* Lot, park and pitch pages: map-core.js draws each [data-siting-map] (basemap, parks, lots,
 * zoomed to the page's lot or park); this adds the page's overlay on top once the map is
 * ready: a lot's own drive routes (purple dashes) and the destinations they lead to. */
(function () {
  "use strict";

  var ROUTE_STYLE = { color: "#6a3d9a", weight: 3, opacity: 0.85, dashArray: "8 5", fill: false };

  function decorate(node) {
    if (!node.sitingMap) { return; }
    var id = node.getAttribute("data-overlay");
    var block = id && document.getElementById(id);
    var data = block ? JSON.parse(block.textContent) : {};
    var lot = node.getAttribute("data-highlight-lot");
    node.sitingMap.ready.then(function () {
      if (data.routes) { node.sitingMap.overlay(data.routes, ROUTE_STYLE); }
      return lot ? node.sitingMap.highlight([lot], { fit: false }) : null;
    }).then(function () {
      node.setAttribute("data-overlay-ready", "true");
    });
  }

  function start() {
    if (window.SitingMap) { window.SitingMap.createAll(); }
    Array.prototype.forEach.call(document.querySelectorAll("[data-siting-map]"), decorate);
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
