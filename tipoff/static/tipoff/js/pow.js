/* tipoff: when a form carries a proof-of-work challenge (the server asks for one only
 * while many attempts are being made), solve it in a worker and send it with the form.
 * Without JavaScript the form still posts; the page then explains what to do. */
(function () {
  "use strict";
  function start(box) {
    var form = box.closest("form");
    var field = box.querySelector('input[name="pow"]');
    var status = box.querySelector(".pow-status");
    if (!form || !field || typeof Worker === "undefined") {
      return;
    }
    var challenge = box.getAttribute("data-pow-challenge");
    var solved = false;
    var waiting = false;
    var worker = new Worker(box.getAttribute("data-pow-worker"));
    if (status) {
      status.textContent = box.getAttribute("data-pow-working");
    }
    worker.onmessage = function (event) {
      field.value = challenge + "~" + event.data.solution;
      solved = true;
      worker.terminate();
      if (status) {
        status.textContent = box.getAttribute("data-pow-done");
      }
      if (waiting) {
        form.submit();
      }
    };
    worker.postMessage({
      challenge: challenge,
      difficulty: parseInt(box.getAttribute("data-pow-difficulty"), 10)
    });
    form.addEventListener("submit", function (event) {
      if (!solved) {
        event.preventDefault();
        waiting = true;
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("[data-pow-challenge]");
    for (var i = 0; i < boxes.length; i++) {
      start(boxes[i]);
    }
  });
})();
