// Atrium pages: small enhancements; every form works without this file.
(function () {
  "use strict";
  // The language switch applies on change.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
    var button = select.form.querySelector("button");
    if (button) { button.hidden = true; }
  });
  // A signed-in page notices when its session ends (signed out elsewhere, deactivated)
  // and goes to sign-in without waiting for the next click.
  var check = document.body.getAttribute("data-session-check");
  if (check) {
    window.setInterval(function () {
      fetch(check, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
        if (r.status === 401) { window.location.reload(); }
      }, function () {});
    }, 5000);
  }
  // Uploads show their progress; the answer replaces the page as a plain post would.
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    var bar = form.querySelector("progress[data-progress]");
    if (!bar || !window.FormData) { return; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status < 400) { window.location.assign(xhr.responseURL); return; }
        document.open(); document.write(xhr.responseText); document.close();
      });
      xhr.addEventListener("error", function () { form.submit(); });
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) { b.disabled = true; });
      xhr.send(new FormData(form));
    });
  });
  // Forms marked data-confirm ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
// The branding form previews the header as it is typed (CSSOM, not inline style).
(function () {
  "use strict";
  var preview = document.getElementById("brand-preview");
  if (!preview) { return; }
  var name = preview.querySelector("[data-preview-name]");
  var dark = function (hex) {
    var n = parseInt(hex.slice(1), 16), c = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (v) {
      v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    var l = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0638;
  };
  document.querySelectorAll("[data-preview]").forEach(function (input) {
    var apply = function () {
      if (input.getAttribute("data-preview") === "name") { name.textContent = input.value || "Atrium"; return; }
      preview.style.backgroundColor = input.value;
      preview.style.color = dark(input.value) ? "#ffffff" : "#1b1f24";
    };
    input.addEventListener("input", apply);
    apply();
  });
})();
