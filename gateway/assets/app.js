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
// The gallery opens its previews in a lightbox (arrows and Escape work); without this
// file each thumb links to its preview.
(function () {
  "use strict";
  var grid = document.querySelector("ul.gallery");
  var links = Array.prototype.slice.call(document.querySelectorAll("a[data-lightbox]"));
  if (!grid || !links.length || !window.HTMLDialogElement) { return; }
  var dialog = document.createElement("dialog");
  dialog.className = "lightbox";
  var img = document.createElement("img");
  var caption = document.createElement("p");
  var bar = document.createElement("div");
  var button = function (label, act) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "secondary"; b.textContent = label;
    b.addEventListener("click", act);
    bar.appendChild(b);
    return b;
  };
  var at = 0;
  var show = function (i) {
    at = (i + links.length) % links.length;
    img.src = links[at].href;
    img.alt = links[at].querySelector("img").alt;
    caption.textContent = links[at].getAttribute("data-caption") || "";
  };
  button(grid.getAttribute("data-previous"), function () { show(at - 1); });
  button(grid.getAttribute("data-next"), function () { show(at + 1); });
  button(grid.getAttribute("data-close"), function () { dialog.close(); });
  dialog.appendChild(img); dialog.appendChild(caption); dialog.appendChild(bar);
  dialog.setAttribute("aria-label", caption.textContent || img.alt || "");
  document.body.appendChild(dialog);
  dialog.addEventListener("keydown", function (e) {
    if (e.key === "ArrowLeft") { show(at - 1); }
    if (e.key === "ArrowRight") { show(at + 1); }
  });
  links.forEach(function (link, i) {
    link.addEventListener("click", function (e) {
      e.preventDefault();
      show(i);
      dialog.setAttribute("aria-label", img.alt);
      dialog.showModal();
    });
  });
})();
