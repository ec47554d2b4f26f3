// The live wallboard: renders each board the server streams (Server-Sent Events, see
// docs/live.md) and ticks the waits every second between boards. Formats as
// live/templatetags/live_format.py does, so the first render (server) and later ones match.
(function () {
  "use strict";
  var root = document.querySelector("[data-stream-url]");
  if (!root) return;
  var labels = JSON.parse(document.getElementById("live-state-labels").textContent);
  var NONE = "\u2013";
  var receivedAt = performance.now();
  var lastWaiting = null;
  var source = null;

  function round(v) { return v >= 0 ? Math.floor(v + 0.5) : -Math.floor(-v + 0.5); }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function duration(s) {
    s = Math.max(0, Math.floor(s || 0));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return h ? h + ":" + two(m) + ":" + two(sec) : m + ":" + two(sec);
  }
  function pct(v) { return v === null || v === undefined ? NONE : round(v) + "%"; }
  function secs(v) { return v === null || v === undefined ? NONE : round(v) + " s"; }
  function stateLabel(s) { return labels[s] || (s.charAt(0).toUpperCase() + s.slice(1)).replace(/_/g, " "); }

  function cell(tag, text, attrs) {
    var el = document.createElement(tag);
    el.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }
  function emptyRow(tbody, columns) {
    var old = tbody.querySelector("td.empty");
    var text = old ? old.textContent : "";
    var tr = document.createElement("tr");
    tr.appendChild(cell("td", text, { colspan: String(columns), "class": "empty" }));
    return tr;
  }
  function waitAttrs(waiting, seconds) {
    return waiting ? { "class": "num", "data-wait": String(seconds) } : { "class": "num" };
  }

  function renderQueues(board) {
    var tbody = root.querySelector("[data-queues]");
    var rows = board.queues.map(function (q) {
      var tr = document.createElement("tr");
      tr.appendChild(cell("th", q.name, { scope: "row" }));
      tr.appendChild(cell("td", String(q.waiting), { "class": "num" }));
      tr.appendChild(cell("td", duration(q.longest_wait_seconds), waitAttrs(q.waiting, q.longest_wait_seconds)));
      tr.appendChild(cell("td", pct(q.service_level_pct), { "class": "num" }));
      tr.appendChild(cell("td", secs(q.asa_seconds), { "class": "num" }));
      tr.appendChild(cell("td", pct(q.abandonment_rate_pct), { "class": "num" }));
      tr.appendChild(cell("td", String(q.handled), { "class": "num" }));
      return tr;
    });
    tbody.replaceChildren.apply(tbody, rows.length ? rows : [emptyRow(tbody, 7)]);
  }

  function renderAgents(board) {
    var tbody = root.querySelector("[data-agents]");
    if (!tbody) return; // a kiosk shows no one
    var rows = board.agents.map(function (a) {
      var tr = document.createElement("tr");
      tr.appendChild(cell("th", a.name || a.agent, { scope: "row" }));
      tr.appendChild(cell("td", stateLabel(a.state)));
      tr.appendChild(cell("td", duration(a.seconds_in_state), { "class": "num", "data-wait": String(a.seconds_in_state) }));
      tr.appendChild(cell("td", a.reason || ""));
      return tr;
    });
    tbody.replaceChildren.apply(tbody, rows.length ? rows : [emptyRow(tbody, 4)]);
  }

  function isEmpty(board) {
    var c = board.center;
    var anyone = Object.keys(c.agents).some(function (s) { return c.agents[s] > 0; });
    return !(board.queues.length || c.offered || c.waiting || anyone);
  }

  function announce(board) {
    var waiting = board.center.waiting;
    if (lastWaiting !== null && waiting !== lastWaiting) {
      // the words come from the page, in the user's language (templates/live/_board.html)
      var box = root.querySelector("[data-announce]");
      box.textContent = (waiting === 1 ? box.getAttribute("data-one") : box.getAttribute("data-many"))
        .replace("{n}", String(waiting));
    }
    lastWaiting = waiting;
  }

  function render(board) {
    receivedAt = performance.now();
    var c = board.center;
    root.querySelector('[data-field="waiting"]').textContent = String(c.waiting);
    var longest = root.querySelector('[data-field="longest_wait_seconds"]');
    longest.textContent = duration(c.longest_wait_seconds);
    if (c.waiting) longest.setAttribute("data-wait", String(c.longest_wait_seconds));
    else longest.removeAttribute("data-wait");
    root.querySelector('[data-field="service_level_pct"]').textContent = pct(c.service_level_pct);
    root.querySelector('[data-field="asa_seconds"]').textContent = secs(c.asa_seconds);
    root.querySelector('[data-field="abandonment_rate_pct"]').textContent = pct(c.abandonment_rate_pct);
    root.querySelector('[data-field="handled"]').textContent = String(c.handled);
    Object.keys(c.agents).forEach(function (state) {
      var dd = root.querySelector('[data-state="' + state + '"]');
      if (dd) dd.textContent = String(c.agents[state]);
    });
    renderQueues(board);
    renderAgents(board);
    root.querySelector("[data-empty]").hidden = !isEmpty(board);
    var asOf = root.querySelector("[data-as-of]");
    asOf.setAttribute("datetime", board.as_of);
    asOf.textContent = new Date(board.as_of).toLocaleTimeString();
    root.setAttribute("data-version", String(board.version));
    announce(board);
  }

  // Waits grow by the time since the board arrived (this browser's clock only: a wall TV's
  // clock may be minutes off the server's).
  function tick() {
    var elapsed = (performance.now() - receivedAt) / 1000;
    root.querySelectorAll("[data-wait]").forEach(function (el) {
      el.textContent = duration(Number(el.getAttribute("data-wait")) + elapsed);
    });
  }

  function setConnection(text) {
    root.querySelector("[data-connection]").textContent = text;
  }

  function connect() {
    source = new EventSource(root.getAttribute("data-stream-url"));
    source.addEventListener("board", function (e) {
      setConnection("");
      render(JSON.parse(e.data));
    });
    source.addEventListener("revoked", function () {
      source.close();
      window.location.reload(); // the page now says the board was switched off
    });
    source.onerror = function () {
      if (source.readyState !== EventSource.CLOSED) {
        // the browser retries by itself (every stream ends after a minute): say so only if
        // no board came back within a few seconds
        var before = receivedAt;
        window.setTimeout(function () { if (receivedAt === before) setConnection(root.querySelector("[data-connection]").getAttribute("data-reconnecting")); }, 3000);
        return;
      }
      // The stream was refused (signed out, revoked while away, a proxy's error page): ask
      // the page itself whether it is still ours before trying again.
      setConnection(root.querySelector("[data-connection]").getAttribute("data-lost"));
      window.setTimeout(function () {
        fetch(window.location.href, { method: "HEAD", redirect: "manual", cache: "no-store" }).then(
          function (r) { if (r.ok) connect(); else window.location.reload(); },
          function () { window.setTimeout(connect, 5000); }
        );
      }, 5000);
    };
  }

  render(JSON.parse(document.getElementById("live-board").textContent));
  window.setInterval(tick, 1000);
  connect();
})();
