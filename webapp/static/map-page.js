/* The map page (/): the map from map-core.js, and the "status on date" form in the header,
 * which re-colours the lots for another date without reloading the page (the URL follows,
 * so a reload or a shared link shows the same date). */
(function () {
  "use strict";

  var config = SitingMap.readConfig("map-config");
  var element = document.getElementById("map");
  var form = document.getElementById("as-of-form");
  var input = document.getElementById("as_of");
  var latest = document.getElementById("as-of-latest");
  var statusText = document.getElementById("status-date");
  var langSwitch = document.getElementById("lang-switch");
  var t = config.t;

  var sitingMap = SitingMap.create(element, config, { controls: { credits: false } });
  window.sitingMap = sitingMap;

  function withAsOf(href, asOf) {
    var url = new URL(href, window.location.href);
    if (asOf) { url.searchParams.set("as_of", asOf); } else { url.searchParams.delete("as_of"); }
    return url.pathname + url.search + url.hash;
  }

  function showDate(asOf, statusDate, latestEvent) {
    var text = statusDate ? SitingMap.format(t.status_as_of, { date: statusDate }) : t.status_date_unknown;
    if (asOf && latestEvent && asOf > latestEvent) {
      text += " (" + SitingMap.format(t.latest_record, { date: latestEvent }) + ")";
    }
    statusText.textContent = text;
    input.value = asOf || "";
    window.history.replaceState(null, "", withAsOf(window.location.href, asOf));
    langSwitch.setAttribute("href", withAsOf(langSwitch.getAttribute("href"), asOf));
  }

  element.addEventListener("sitingmap:asof", function (event) {
    showDate(event.detail.asOf, event.detail.statusDate, event.detail.latestEvent);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sitingMap.setAsOf(input.value || null).catch(function () { form.submit(); });
  });

  latest.addEventListener("click", function (event) {
    event.preventDefault();
    sitingMap.setAsOf(null).catch(function () { window.location.href = latest.href; });
  });
})();
