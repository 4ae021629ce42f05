/* tipoff site script: installs the service worker that keeps the app shell offline, and
 * moves the focus to a form's error summary (for browsers that ignore its autofocus).
 * Everything on the site works without this file. */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    if (document.activeElement !== summary) {
      summary.focus();
    }
    /* A link in the summary puts the cursor in its field, not only the field in view. */
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (field) {
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      }
    });
  }
  if (!("serviceWorker" in navigator)) {
    return;
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* No service worker (private mode, old browser): the site works the same, only not offline. */
    });
  });
})();
