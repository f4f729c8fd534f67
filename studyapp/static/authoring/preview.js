// After "Preview cards" the page opens at #preview (the form's action): focus the preview's heading, so keyboard
// and screen-reader users land on the cards too (a fragment alone only scrolls). Done again once the page has
// loaded, since the browser's own scroll to the fragment comes after the deferred script.
(function () {
  "use strict";
  function land() {
    if (window.location.hash !== "#preview") return;
    var heading = document.getElementById("preview-title");
    if (heading && document.activeElement !== heading) heading.focus();
  }
  land();
  window.addEventListener("load", land);
})();
