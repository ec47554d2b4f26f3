// "Copy link" buttons of the kiosk settings page.
(function () {
  "use strict";
  var status = document.querySelector("[data-copy-status]");
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.getElementById(button.getAttribute("data-copy"));
      input.select();
      var done = function () { status.textContent = status.getAttribute("data-copied"); };
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, function () {});
      else if (document.execCommand("copy")) done();
    });
  });
})();
