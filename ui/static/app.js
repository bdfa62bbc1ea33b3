// OnRamp's own small script: progressive enhancement only. Every page works without it.
(function () {
  "use strict";
  // "/" focuses the page's search box from anywhere (unless typing in a field).
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var box = document.querySelector("[data-search]");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
  // Put the keyboard on the error summary after a failed submit, so the user hears and sees it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
    // The language switch returns to the page it was pressed on.
    document.querySelectorAll('input[name="back"]').forEach(function (i) {
      i.value = location.pathname + location.search;
    });
  });
})();
