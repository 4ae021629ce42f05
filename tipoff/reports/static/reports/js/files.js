/* Evidence inputs and sending: warn about files over the limits before they
 * are uploaded, and send a form only once. The server checks the same limits. */
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var fmt = window.interpolate || function (text, args) {
    var i = 0;
    return text.replace(/%s/g, function () { return String(args[i++]); });
  };

  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-max-files]"), function (input) {
    var warning = input.parentNode.querySelector("[data-file-warning]");
    input.addEventListener("change", function () {
      var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
      var maxMb = parseInt(input.getAttribute("data-max-mb"), 10);
      var problems = [];
      if (input.files.length > maxFiles) {
        problems.push(fmt(gettext("You chose %s files; at most %s can be sent."), [input.files.length, maxFiles]));
      }
      Array.prototype.forEach.call(input.files, function (file) {
        if (file.size > maxMb * 1024 * 1024) {
          problems.push(fmt(gettext("“%s” is larger than %s MB."), [file.name, maxMb]));
        }
      });
      var text = problems.join(" ");
      input.setCustomValidity(text);
      if (warning) {
        warning.textContent = text;
        warning.hidden = !text;
      }
    });
  });

  Array.prototype.forEach.call(document.querySelectorAll("form[method=post]"), function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("[data-submit]");
      if (button) {
        window.setTimeout(function () {
          button.disabled = true;
          button.textContent = gettext("Sending…");
        }, 0);
      }
    });
  });
})();
