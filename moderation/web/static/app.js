// The only script: "select all" for bulk actions. Served from 'self' (the CSP forbids inline script).
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll('input[name="sel"]').forEach(function (box) { box.checked = all.checked; });
  });
});
