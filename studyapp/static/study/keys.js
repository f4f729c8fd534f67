// Keyboard-first study: space/enter shows the answer, 1-4 rate, z undoes. The page works without this.
(function () {
  var shown = Date.now();
  var reveal = document.getElementById("reveal");
  var duration = document.getElementById("duration");
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    if (reveal && !reveal.open && (event.key === " " || event.key === "Enter")) {
      event.preventDefault();
      reveal.open = true;
      return;
    }
    if (reveal && reveal.open && /^[1-4]$/.test(event.key)) {
      var button = document.querySelector('button.rating[data-key="' + event.key + '"]');
      if (button) { event.preventDefault(); button.click(); }
      return;
    }
    if (event.key === "z") {
      var undo = document.getElementById("undo");
      if (undo) { event.preventDefault(); undo.click(); }
    }
  });
  var form = document.getElementById("rating-form");
  if (form && duration) {
    form.addEventListener("submit", function () {
      duration.value = String(Math.min(Date.now() - shown, 86400000));
      form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    });
  }
})();
