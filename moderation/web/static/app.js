// The only script (the CSP forbids inline script): select-all, confirmations, keyboard shortcuts.
// Everything works without it; it only makes triage faster.
(function () {
  "use strict";
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr[data-href]")); }
  var current = -1;
  function focusRow(i) {
    var r = rows();
    if (!r.length) return;
    current = Math.max(0, Math.min(i, r.length - 1));
    r.forEach(function (row, j) { row.classList.toggle("current", j === current); });
    var link = r[current].querySelector("td.snippet a");
    if (link) link.focus();
  }
  function click(sel) {
    var b = document.querySelector(sel);
    if (b) { b.click(); return true; }
    return false;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("select-all");
    if (all) {
      all.addEventListener("change", function () {
        document.querySelectorAll('input[name="sel"]').forEach(function (box) { box.checked = all.checked; });
      });
    }
    // Irreversible actions ask first; the question is written by the server in the reader's language.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (ev) {
        var live = form.querySelector('input[name="live"]');
        if (live && !live.checked) return;  // a dry run changes nothing
        if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
      });
    });
    var dialog = document.getElementById("shortcuts");
    function toggleHelp() {
      if (!dialog) return;
      if (dialog.open) dialog.close(); else dialog.showModal();
    }
    var show = document.getElementById("show-shortcuts");
    if (show) show.addEventListener("click", toggleHelp);
    var pending = "";
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) return;
      var k = ev.key;
      if (pending === "g") {
        pending = "";
        if (k === "q") { click("#nav-queue"); ev.preventDefault(); }
        return;
      }
      if (k === "?") { toggleHelp(); ev.preventDefault(); return; }
      if (dialog && dialog.open) return;
      if (k === "g") { pending = "g"; return; }
      if (k === "/") { var s = document.querySelector("#filters input[name=q]"); if (s) { s.focus(); ev.preventDefault(); } return; }
      if (k === "j") { focusRow(current + 1); ev.preventDefault(); return; }
      if (k === "k") { focusRow(current - 1); ev.preventDefault(); return; }
      // Enter on the focused link follows it natively; "o" opens the current row from anywhere
      if ((k === "o" || (k === "Enter" && !ev.target.closest("a, button"))) && current >= 0) {
        var r = rows()[current]; if (r) window.location.href = r.getAttribute("data-href"); return;
      }
      if (k === "x" && current >= 0) { var box = rows()[current].querySelector('input[name="sel"]'); if (box) box.checked = !box.checked; return; }
      if (k === "n") { click("#next-item"); return; }
      if (k === "c") { click("form.act-confirm button"); return; }
      if (k === "e") { click("form.act-escalate button"); return; }
      if (k === "d") { var reason = document.querySelector("form.act-dismiss select"); if (reason) { reason.focus(); ev.preventDefault(); } }
    });
  });
})();
