// The browser's time zone: filled into the sign-up form's hidden field (so a new account starts in the user's
// zone), and offered on the settings page when it differs from the saved one (the user still chooses and saves).
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
  if (!zone) { return; }
  document.querySelectorAll("input[data-browser-timezone]").forEach(function (input) { input.value = zone; });

  var select = document.getElementById("id_timezone");
  var hint = document.getElementById("tz-hint");
  var name = document.getElementById("browser-tz");
  var button = document.getElementById("use-browser-tz");
  if (!select || !hint || !name || !button || select.value === zone) { return; }
  if (!Array.prototype.some.call(select.options, function (option) { return option.value === zone; })) { return; }
  name.textContent = zone.replace(/_/g, " ");
  hint.hidden = false;
  button.addEventListener("click", function () {
    select.value = zone;
    hint.hidden = true;
    select.focus();
  });
})();
