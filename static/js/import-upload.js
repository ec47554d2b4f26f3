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
    // The server refuses a larger file (413) without reading it; say so before sending it.
    var max = Number(form.dataset.maxBytes || 0);
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (max && file && file.size > max) {
      box.hidden = false;
      // the page's words, in the user's language (templates/interactions/import_upload.html)
      pct.textContent = form.dataset.msgTooLarge
        .replace("{size}", String(Math.ceil(file.size / 1048576)))
        .replace("{max}", String(Math.floor(max / 1048576)));
      return;
    }
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
      pct.textContent = form.dataset.msgFailed;
    });
    xhr.send(new FormData(form));
  });
})();
