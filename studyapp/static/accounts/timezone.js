// Offer the browser's time zone; the user still chooses and saves.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var select = document.getElementById("id_timezone");
  var hint = document.getElementById("tz-hint");
  var button = document.getElementById("use-browser-tz");
  if (!zone || !select || !hint || select.value === zone) return;
  button.textContent = zone;
  hint.hidden = false;
  button.addEventListener("click", function () { select.value = zone; });
})();
