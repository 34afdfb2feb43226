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
// The billing editors show each line's net and the totals as they are typed (rounded
// per line, then tax per rate, as the invoice will be), and add rows on demand. Without
// this file the form has empty rows to fill, and the saved document shows its totals.
(function () {
  "use strict";
  document.querySelectorAll("form[data-bill-editor]").forEach(function (form) {
    var german = form.getAttribute("data-lang") === "de";
    var body = form.querySelector("[data-lines]");
    var currencyField = form.querySelector("[data-currency]");
    var places = function () {
      try {
        return new Intl.NumberFormat("en", { style: "currency", currency: currencyField.value.toUpperCase() })
          .resolvedOptions().maximumFractionDigits;
      } catch (e) { return 2; }
    };
    var number = function (text) {
      text = (text || "").trim();
      text = german ? text.replace(/\./g, "").replace(",", ".") : text.replace(/,/g, "");
      var n = text === "" ? NaN : Number(text);
      return isFinite(n) ? n : NaN;
    };
    var show = function (minor, digits) {
      var f = new Intl.NumberFormat(german ? "de-DE" : "en-US",
        { minimumFractionDigits: digits, maximumFractionDigits: digits });
      return f.format(minor / Math.pow(10, digits)) + " " + currencyField.value.toUpperCase();
    };
    var round = function (x) { return Math.round(x + 1e-9); };
    var update = function () {
      var digits = places();
      var scale = Math.pow(10, digits);
      var subtotal = 0;
      var byRate = {};
      body.querySelectorAll("tr[data-line]").forEach(function (row) {
        var field = function (name) { return row.querySelector("[name=" + name + "]").value; };
        var out = row.querySelector("[data-line-net]");
        var price = number(field("line_unit_price"));
        var qtyText = field("line_quantity");
        var qty = qtyText.trim() === "" ? 1 : number(qtyText);
        var discount = number(field("line_discount")) || 0;
        var rate = number(field("line_tax_rate")) || 0;
        if (isNaN(price) || isNaN(qty)) { out.textContent = ""; return; }
        var net = round(qty * round(price * scale) * (1 - discount / 100));
        subtotal += net;
        byRate[rate] = (byRate[rate] || 0) + net;
        out.textContent = show(net, digits);
      });
      var tax = 0;
      Object.keys(byRate).forEach(function (rate) { tax += round(byRate[rate] * Number(rate) / 100); });
      form.querySelector("[data-subtotal]").textContent = show(subtotal, digits);
      form.querySelector("[data-tax]").textContent = show(tax, digits);
      form.querySelector("[data-total]").textContent = show(subtotal + tax, digits);
    };
    form.addEventListener("input", update);
    var add = form.querySelector("[data-add-line]");
    if (add) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var rows = body.querySelectorAll("tr[data-line]");
        var row = rows[rows.length - 1].cloneNode(true);
        row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        row.querySelector("[data-line-net]").textContent = "";
        body.appendChild(row);
        row.querySelector("input").focus();
      });
    }
    update();
  });
})();
