/* Pitch sheet: the print button (the map itself is drawn by page-map.js). */
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
