// Upload with a progress bar (XHR reports upload progress; fetch does not), then follow
// the server's redirect to the import's page. Without JavaScript the form posts normally.
(function () {
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  form.addEventListener("submit", function (event) {
    if (!form.checkValidity()) return;
    event.preventDefault();
    var box = document.getElementById("upload-progress");
    var bar = document.getElementById("upload-bar");
    var pct = document.getElementById("upload-pct");
    var button = form.querySelector("button[type=submit]");
    box.hidden = false;
    button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      var p = Math.round((e.loaded / e.total) * 100);
      bar.value = p;
      pct.textContent = p + "%";
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.location.assign(xhr.responseURL);
      } else {
        document.open();
        document.write(xhr.responseText);
        document.close();
      }
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      pct.textContent = "Upload failed: check your connection and try again.";
    });
    xhr.send(new FormData(form));
  });
})();
