/* tipoff site script: installs the service worker that keeps the app shell offline.
 * Everything on the site works without this file. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) {
    return;
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* No service worker (private mode, old browser): the site works the same, only not offline. */
    });
  });
})();
