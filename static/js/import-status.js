// While an import runs in the background, poll its status and reload when it finishes.
(function () {
  var box = document.getElementById("import-status");
  if (!box || box.dataset.finished === "1") return;
  var bar = document.getElementById("import-bar");
  var rows = document.getElementById("import-rows");
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.finished) { window.location.reload(); return; }
        bar.value = s.progress_pct;
        bar.textContent = s.progress_pct + "%";
        rows.textContent = rows.dataset.template.replace("{n}", String(s.rows_processed));
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
