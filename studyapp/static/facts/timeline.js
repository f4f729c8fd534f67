// Zoom the timeline into one period without reloading: show that period's drawing and list, hide the others.
// Without JavaScript every period is shown one after the other, and the period links reload the page.
(function () {
  "use strict";
  var zooms = document.getElementById("zooms");
  var tabs = document.getElementById("period-tabs");
  if (!zooms || !tabs) { return; }
  var sections = zooms.querySelectorAll("section.zoom");

  function show(slug, scroll) {
    var found = null;
    sections.forEach(function (section) {
      var match = section.getAttribute("data-period") === slug;
      section.hidden = !match;
      if (match) { found = section; }
    });
    tabs.querySelectorAll("a[data-zoom]").forEach(function (link) {
      var current = link.getAttribute("data-zoom") === (found ? slug : "");
      link.classList.toggle("current", current);
      if (current) { link.setAttribute("aria-current", "true"); } else { link.removeAttribute("aria-current"); }
    });
    var url = new URL(window.location.href);
    if (found) { url.searchParams.set("period", slug); url.hash = "zoom-" + slug; }
    else { url.searchParams.delete("period"); url.hash = ""; }
    window.history.replaceState(null, "", url.toString());
    if (found && scroll) { found.scrollIntoView({ behavior: "smooth", block: "start" }); }
  }

  zooms.classList.add("js");
  show(zooms.getAttribute("data-selected") || "", false);

  tabs.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-zoom]");
    if (!link) { return; }
    event.preventDefault();
    show(link.getAttribute("data-zoom"), true);
  });

  // A click on a period band of the overview (not on an event, which links to its page) zooms into it.
  var overview = document.getElementById("overview");
  if (overview) {
    overview.addEventListener("click", function (event) {
      if (event.target.closest("a")) { return; }
      var band = event.target.closest("g[data-period]");
      if (band) { show(band.getAttribute("data-period"), true); }
    });
  }
})();
