/* Back office behaviour that works without it too: confirmation prompts and
   selecting a setup link for copying. Loaded as a file (the CSP allows no inline script). */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("copy")) {
      event.target.select();
    }
  });
})();
