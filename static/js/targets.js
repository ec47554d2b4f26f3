// Realism check while a target is typed: ask the server how many agents met the green band in
// each of the last weeks and redraw the panel. Without JavaScript, "Check realism" posts the
// form and the server draws the same panel.
(function () {
  var form = document.getElementById("target-form");
  var panel = document.getElementById("realism");
  if (!form || !panel || !window.fetch || !window.URLSearchParams) return;
  var meta = JSON.parse(document.getElementById("kpi-meta").textContent);
  var statusLine = document.getElementById("realism-status");
  var table = document.getElementById("realism-table");
  var rows = table.querySelector("tbody");
  var diagnosticNote = document.getElementById("diagnostic-note");
  var unit = document.getElementById("kpi-unit");
  // The page's language: its words come with the page (json_script), the status line with the answer.
  var words = JSON.parse(document.getElementById("realism-words").textContent);
  var labels = words.labels;
  var timer = null;
  var latest = 0;

  // The edit page has no KPI or team field: the form carries them as data attributes.
  function value(name) {
    var field = form.elements[name];
    return field ? field.value : form.dataset[name] || "";
  }

  function number(n) {
    return String(Math.round(n * 100) / 100);
  }

  function say(message) {
    statusLine.textContent = message;
    table.hidden = true;
  }

  function cell(row, text, className, span) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    if (span) td.colSpan = span;
    row.appendChild(td);
  }

  function draw(data) {
    if (!data.per_agent) {
      say(data.status);
      return;
    }
    statusLine.textContent = data.status;
    rows.textContent = "";
    data.weeks.forEach(function (week) {
      var row = document.createElement("tr");
      cell(row, week.week_start);
      if (week.eligible) {
        cell(row, String(week.met), "num");
        cell(row, String(week.eligible), "num");
        cell(row, number(week.share_pct) + "%", "num");
      } else {
        cell(row, words.no_agent, "empty", 3);
      }
      rows.appendChild(row);
    });
    table.hidden = false;
  }

  function firstError(errors) {
    for (var field in errors) {
      return (labels[field] ? labels[field] + ": " : "") + errors[field][0];
    }
    return words.failed;
  }

  function hints() {
    var info = meta[value("kpi")];
    if (diagnosticNote) diagnosticNote.hidden = !(info && info.diagnostic);
    if (unit) unit.textContent = info ? ": " + info.unit : "";
  }

  function refresh() {
    hints();
    var kpi = value("kpi");
    var green = value("green");
    if (!kpi || green === "") {
      say(words.prompt);
      return;
    }
    var query = new URLSearchParams({
      kpi: kpi, green: green, amber: value("amber"), direction: value("direction"), team: value("team"),
    });
    var ticket = ++latest; // answers may arrive out of order: only the newest is drawn
    fetch(form.dataset.realismUrl + "?" + query.toString(), {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        if (ticket !== latest) return;
        if (answer.ok) draw(answer.data);
        else say(firstError(answer.data.errors || {}));
      })
      .catch(function () {
        if (ticket === latest) say(words.unavailable);
      });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  hints();
})();
