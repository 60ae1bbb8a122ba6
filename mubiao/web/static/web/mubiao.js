// mubiao — the popover of a flagged table cell. The findings are already in the page (each cell's
// title attribute holds them too); this only shows the chosen cell's list next to it.
(function () {
  "use strict";

  var openPopover = null;
  var openButton = null;

  function close(returnFocus) {
    if (!openPopover) return;
    openPopover.hidden = true;
    openButton.setAttribute("aria-expanded", "false");
    if (returnFocus) openButton.focus();
    openPopover = null;
    openButton = null;
  }

  // Fixed position under the cell, kept inside the window; above the cell when there is no room below.
  function place(popover, button) {
    var cell = button.getBoundingClientRect();
    popover.hidden = false;
    var width = popover.offsetWidth;
    var height = popover.offsetHeight;
    var margin = 8;
    var left = Math.min(Math.max(margin, cell.right - width), window.innerWidth - width - margin);
    var top = cell.bottom + 4;
    if (top + height > window.innerHeight - margin) {
      top = Math.max(margin, cell.top - height - 4);
    }
    popover.style.left = left + "px";
    popover.style.top = top + "px";
  }

  function open(button) {
    var popover = document.getElementById(button.getAttribute("aria-controls"));
    if (!popover) return;
    place(popover, button);
    button.setAttribute("aria-expanded", "true");
    openPopover = popover;
    openButton = button;
    var closer = popover.querySelector(".popover-close");
    if (closer) closer.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".flag-button");
    if (button) {
      var again = button === openButton;
      close(false);
      if (!again) open(button);
      return;
    }
    if (event.target.closest(".popover-close")) {
      close(true);
      return;
    }
    if (openPopover && !openPopover.contains(event.target)) close(false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close(true);
  });

  // The popover is placed against the window, so it follows its cell when the table or the page scrolls.
  function follow() {
    if (openPopover) place(openPopover, openButton);
  }
  document.addEventListener("scroll", follow, true);
  window.addEventListener("resize", follow);
})();

// A button with data-confirm asks before it acts (issuing a bulletin cannot be undone).
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
