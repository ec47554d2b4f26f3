// The main navigation: a menu button on narrow screens, and disclosure groups (<details>) that
// close with Escape, when another opens, or on a click elsewhere. Without this script the
// groups still open and close (native <details>) and the menu is simply always shown.
(function () {
  "use strict";

  function setUp() {
    var header = document.querySelector(".topbar");
    var nav = document.getElementById("main-nav");
    var toggle = document.querySelector(".nav-toggle");
    if (!header || !nav || !toggle) return;
    var groups = Array.prototype.slice.call(nav.querySelectorAll("details.nav-group"));

    header.classList.add("nav-collapsible");

    function setMenu(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    }

    function closeGroups(except) {
      groups.forEach(function (group) {
        if (group !== except) group.open = false;
      });
    }

    toggle.addEventListener("click", function () {
      setMenu(toggle.getAttribute("aria-expanded") !== "true");
    });

    groups.forEach(function (group) {
      group.addEventListener("toggle", function () {
        if (group.open) closeGroups(group);
      });
    });

    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var open = groups.filter(function (group) { return group.open; })[0];
      if (open) {
        open.open = false;
        open.querySelector("summary").focus();
      } else if (toggle.getAttribute("aria-expanded") === "true") {
        setMenu(false);
        toggle.focus();
      }
    });

    document.addEventListener("click", function (event) {
      if (!nav.contains(event.target)) closeGroups(null);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
