/* The public forms, made easier with JavaScript; all of it is optional.
 *
 * Drafts on the device: the report form keeps what the reporter types in
 * localStorage, so a lost connection or a closed tab loses nothing. Files are
 * never kept, nor are the reporter's own name and contact (fields marked
 * data-draft-skip). A page marked data-clear-draft (the receipt) forgets every
 * draft.
 *
 * Evidence inputs: list the chosen files (thumbnails of photos) with a button to remove
 * each, warn about files over the limits before they are uploaded (the server checks the
 * same limits), and send a form only once.
 */
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };
  var pgettext = window.pgettext || function (context, text) { return text; };
  var fmt = window.interpolate || function (text, args) {
    var i = 0;
    return text.replace(/%s/g, function () { return String(args[i++]); });
  };

  /* Files chosen so far are listed under the input — a thumbnail for each photo — each with
   * a button that takes it out again. Choosing more adds to the list. The input's FileList
   * is rebuilt with DataTransfer, so the form sends exactly what is listed; without
   * DataTransfer (or without this script) the plain file input works as before. */
  var canRebuild = (function () {
    try {
      return typeof DataTransfer === "function" && !!new DataTransfer().items;
    } catch (e) {
      return false;
    }
  })();

  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-max-files]"), function (input) {
    var warning = input.parentNode.querySelector("[data-file-warning]");
    var chosen = [];
    var urls = [];
    var list = null;

    function check() {
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
    }

    function same(a, b) {
      return a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;
    }

    function render() {
      urls.forEach(function (url) { URL.revokeObjectURL(url); });
      urls = [];
      list.textContent = "";
      list.hidden = chosen.length === 0;
      chosen.forEach(function (file, index) {
        var item = document.createElement("li");
        item.className = "preview";
        if (/^image\//.test(file.type)) {
          var image = document.createElement("img");
          var url = URL.createObjectURL(file);
          urls.push(url);
          image.src = url;
          image.alt = "";
          image.width = 64;
          image.height = 64;
          item.appendChild(image);
        } else {
          var icon = document.createElement("span");
          icon.className = "preview-icon";
          icon.setAttribute("aria-hidden", "true");
          icon.textContent = (file.name.split(".").pop() || "").slice(0, 4).toUpperCase();
          item.appendChild(icon);
        }
        var name = document.createElement("span");
        name.className = "preview-name";
        name.textContent = file.name;
        item.appendChild(name);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "button secondary small";
        /* The name is read out with the visible word, so a screen reader hears which file. */
        remove.textContent = pgettext("a chosen file", "Remove");
        var which = document.createElement("span");
        which.className = "visually-hidden";
        which.textContent = " " + file.name;
        remove.appendChild(which);
        remove.addEventListener("click", function () {
          chosen.splice(index, 1);
          rebuild();
          input.focus();
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
    }

    function rebuild() {
      var transfer = new DataTransfer();
      chosen.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      render();
      check();
    }

    if (canRebuild) {
      list = document.createElement("ul");
      list.className = "previews";
      list.hidden = true;
      list.setAttribute("aria-label", gettext("Chosen files"));
      input.parentNode.insertBefore(list, input.nextSibling);
      window.addEventListener("pagehide", function () {
        urls.forEach(function (url) { URL.revokeObjectURL(url); });
        urls = [];
      });
    }

    input.addEventListener("change", function () {
      if (!canRebuild) {
        check();
        return;
      }
      Array.prototype.forEach.call(input.files, function (file) {
        if (!chosen.some(function (other) { return same(other, file); })) {
          chosen.push(file);
        }
      });
      rebuild();
    });
  });

  /* "I don't know" ticked: the answer box beside it is switched off, so the two never
   * disagree (the server takes "I don't know" anyway). */
  Array.prototype.forEach.call(document.querySelectorAll(".dont-know input[type=checkbox]"), function (box) {
    var field = box.closest(".field");
    var answer = field && field.querySelector("input:not([type=checkbox]), textarea, select");
    if (!answer) {
      return;
    }
    function sync() {
      answer.disabled = box.checked;
    }
    box.addEventListener("change", sync);
    sync();
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

  var PREFIX = "tipoff-draft:";
  var SKIPPED_TYPES = ["file", "hidden", "submit", "button", "reset", "password", "image"];

  var storage = null;
  try {
    storage = window.localStorage;
    storage.setItem(PREFIX + "probe", "1");
    storage.removeItem(PREFIX + "probe");
  } catch (e) {
    storage = null; /* private mode or storage switched off: no drafts */
  }
  if (!storage) {
    return;
  }

  if (document.querySelector("[data-clear-draft]")) {
    var stale = [];
    for (var i = 0; i < storage.length; i++) {
      var name = storage.key(i);
      if (name && name.indexOf(PREFIX) === 0) {
        stale.push(name);
      }
    }
    stale.forEach(function (name) { storage.removeItem(name); });
    return;
  }

  var form = document.querySelector("form[data-draft]");
  if (!form) {
    return;
  }
  var key = PREFIX + form.getAttribute("data-draft");
  var bar = form.querySelector("[data-draft-bar]");
  var status = form.querySelector("[data-draft-status]");
  var discard = form.querySelector("[data-draft-discard]");

  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && !el.hasAttribute("data-draft-skip") &&
        SKIPPED_TYPES.indexOf(el.type) < 0;
    });
  }

  function isChanged(el) {
    if (el.type === "radio" || el.type === "checkbox") {
      return el.checked !== el.defaultChecked;
    }
    if (el.tagName === "SELECT") {
      return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return el.value !== el.defaultValue;
  }

  function collect() {
    var data = {};
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) {
          data[el.name] = el.value;
        }
      } else if (el.value) {
        data[el.name] = el.value;
      }
    });
    return data;
  }

  function apply(data) {
    fields().forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(data, el.name)) {
        return;
      }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = el.value === data[el.name];
        el.dispatchEvent(new Event("change")); /* what depends on the box follows it */
      } else {
        el.value = data[el.name];
      }
    });
  }

  function show(text) {
    status.textContent = text;
    bar.hidden = false;
  }

  var timer = null;
  var touched = false;
  function save() {
    timer = null;
    if (!touched && !fields().some(isChanged)) {
      return;
    }
    touched = true;
    try {
      storage.setItem(key, JSON.stringify({ saved: Date.now(), fields: collect() }));
      show(gettext("Draft saved on this device."));
    } catch (e) {
      show(gettext("The draft could not be saved on this device."));
    }
  }
  function later() {
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(save, 300);
  }

  if (form.hasAttribute("data-draft-restore")) {
    var raw = storage.getItem(key);
    if (raw) {
      try {
        var draft = JSON.parse(raw);
        apply(draft.fields || {});
        touched = true;
        var when = new Date(draft.saved).toLocaleString(document.documentElement.lang || undefined);
        show(fmt(gettext("Your draft from %s has been restored. Files have to be attached again."), [when]));
      } catch (e) {
        storage.removeItem(key);
      }
    }
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  window.addEventListener("pagehide", function () {
    if (timer) {
      window.clearTimeout(timer);
      save();
    }
  });
  discard.addEventListener("click", function () {
    storage.removeItem(key);
    touched = false;
    fields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = el.defaultChecked;
      } else if (el.tagName === "SELECT") {
        el.selectedIndex = 0;
      } else {
        el.value = "";
      }
    });
    show(gettext("Draft discarded."));
  });
})();
