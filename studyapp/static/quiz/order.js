// Order questions: drag the events into order (SortableJS), or move one with its Up and Down buttons (the
// keyboard way). The hidden inputs travel with their items, so the form posts the order as shown. Without
// JavaScript the same buttons post the form and the server shows the list moved.
(function () {
  "use strict";
  var list = document.getElementById("order-list");
  var status = document.getElementById("order-status");
  if (!list) { return; }
  list.classList.add("js");

  function items() { return Array.prototype.slice.call(list.querySelectorAll(".order-item")); }

  function refresh() {
    var all = items();
    all.forEach(function (item, i) {
      item.querySelector("[data-move=up]").disabled = i === 0;
      item.querySelector("[data-move=down]").disabled = i === all.length - 1;
    });
  }

  function announce(item) {
    var all = items();
    var text = item.querySelector(".order-text").textContent.trim();
    if (status) { status.textContent = "“" + text + "” is now " + (all.indexOf(item) + 1) + " of " + all.length + "."; }
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-move]");
    if (!button) { return; }
    event.preventDefault();
    var item = button.closest(".order-item");
    var up = button.getAttribute("data-move") === "up";
    var other = up ? item.previousElementSibling : item.nextElementSibling;
    if (!other) { return; }
    if (up) { list.insertBefore(item, other); } else { list.insertBefore(other, item); }
    refresh();
    announce(item);
    // Keep the focus on the button pressed, or on its partner once the item reaches an end of the list.
    var again = button.disabled ? item.querySelector("[data-move=" + (up ? "down" : "up") + "]") : button;
    again.focus();
  });

  if (window.Sortable) {
    window.Sortable.create(list, {
      animation: 150,
      filter: "button",
      preventOnFilter: false,
      delayOnTouchOnly: true,
      delay: 120,
      ghostClass: "dragging",
      onEnd: function (event) { refresh(); announce(event.item); }
    });
  }
  refresh();
})();
