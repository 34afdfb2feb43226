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
  // Forms marked data-confirm ask first.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
