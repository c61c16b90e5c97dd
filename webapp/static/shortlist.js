/* The shortlist: lot ids kept in this browser's localStorage (no account, nothing sent).
 *
 * Any button with data-shortlist-lot adds or removes its lot; the count in the navigation
 * follows. The /shortlist page is rendered by the server from ?lots=, so this script opens
 * it with the stored ids (a reload shows the same list) and rewrites the compare link from
 * the ticked boxes. */
(function () {
  "use strict";

  var KEY = "siting.shortlist";
  var MAX = 20;

  function read() {
    try {
      var ids = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(ids) ? ids.filter(function (id) { return typeof id === "string"; }).slice(0, MAX) : [];
    } catch (e) {
      return [];
    }
  }

  function write(ids) {
    try { window.localStorage.setItem(KEY, JSON.stringify(ids.slice(0, MAX))); } catch (e) { /* storage full or off */ }
    refresh();
  }

  function has(id) { return read().indexOf(id) >= 0; }

  function toggle(id) {
    var ids = read();
    var at = ids.indexOf(id);
    if (at >= 0) { ids.splice(at, 1); } else if (ids.length < MAX) { ids.push(id); }
    write(ids);
  }

  function refresh() {
    var ids = read();
    Array.prototype.forEach.call(document.querySelectorAll("[data-shortlist-count]"), function (node) {
      node.textContent = ids.length ? "(" + ids.length + ")" : "";
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.shortlist-toggle[data-shortlist-lot]"), function (button) {
      var on = ids.indexOf(button.getAttribute("data-shortlist-lot")) >= 0;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.textContent = button.getAttribute(on ? "data-remove" : "data-add");
    });
  }

  function shortlistUrl(page, ids) {
    var url = page.getAttribute("data-self") || window.location.pathname;
    return ids.length ? url + "?lots=" + ids.map(encodeURIComponent).join(",") : url;
  }

  function syncPage(page) {
    var ids = read();
    var shown = new URLSearchParams(window.location.search).get("lots") || "";
    var shownIds = shown ? shown.split(",") : [];
    if (ids.join(",") !== shownIds.join(",")) {
      window.location.replace(shortlistUrl(page, ids));
      return;
    }
    var link = document.getElementById("compare-link");
    var hint = document.getElementById("compare-hint");
    var max = Number(page.getAttribute("data-compare-max")) || 4;
    function updateCompare() {
      var picked = Array.prototype.filter.call(page.querySelectorAll("input.compare-pick"), function (box) { return box.checked; })
        .map(function (box) { return box.value; });
      if (!link) { return; }
      var ok = picked.length >= 2 && picked.length <= max;
      link.href = page.getAttribute("data-compare-url") + "?lots=" + picked.map(encodeURIComponent).join(",");
      link.setAttribute("aria-disabled", ok ? "false" : "true");
      link.classList.toggle("disabled", !ok);
      if (hint) { hint.classList.toggle("attention", !ok); }
    }
    page.addEventListener("change", updateCompare);
    if (link) {
      link.addEventListener("click", function (event) {
        if (link.getAttribute("aria-disabled") === "true") { event.preventDefault(); }
      });
    }
    updateCompare();
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var button = target.closest("button[data-shortlist-lot]");
    if (!button) { return; }
    event.stopPropagation();
    var id = button.getAttribute("data-shortlist-lot");
    if (button.classList.contains("shortlist-remove")) {
      var ids = read().filter(function (x) { return x !== id; });
      write(ids);
      var page = document.getElementById("shortlist");
      if (page) { window.location.replace(shortlistUrl(page, ids)); }
      return;
    }
    toggle(id);
  });

  window.sitingShortlist = { read: read, has: has, toggle: toggle, refresh: refresh };
  refresh();
  var page = document.getElementById("shortlist");
  if (page) { syncPage(page); }
})();
