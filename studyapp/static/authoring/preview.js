// After "Preview cards" the page opens at #preview (the form's action): focus the preview's heading, so keyboard
// and screen-reader users land on the cards too (a fragment alone only scrolls).
(function () {
  "use strict";
  if (window.location.hash !== "#preview") return;
  var heading = document.getElementById("preview-title");
  if (heading) heading.focus();
})();
