/* The attendance kiosk: camera, a burst of frames at a fixed rate while the
   person follows the server's random challenge (blink, turn), PIN fallback and
   enrollment. Every decision is the server's. */
(function () {
  "use strict";
  var root = document.getElementById("kiosk");
  if (!root) { return; }
  var d = root.dataset;
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var video = document.getElementById("camera");
  var prompt = document.getElementById("prompt");
  var result = document.getElementById("result");
  var buttons = root.querySelectorAll("button[data-direction]");
  var pinForm = document.getElementById("pin-form");
  var enrollForm = document.getElementById("enroll-form");
  var busy = false;
  var hideTimer = null;
  var cameraReady = null;

  function say(text) { prompt.textContent = text; }
  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
  }

  function startCamera() {
    if (cameraReady) { return cameraReady; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(d.tNoCamera);
      return Promise.resolve(false);
    }
    cameraReady = navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" }, audio: false
    }).then(function (stream) {
      video.srcObject = stream;
      return video.play().then(function () { return true; });
    }).catch(function () {
      cameraReady = null;
      say(d.tNoCamera);
      return false;
    });
    return cameraReady;
  }

  function grab(width) {
    var w = video.videoWidth, h = video.videoHeight;
    if (!w || !h) { return Promise.resolve(null); }
    var canvas = document.createElement("canvas");
    canvas.width = Math.min(width, w);
    canvas.height = Math.round(h * canvas.width / w);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
  }

  function post(url, form) {
    return fetch(url, { method: "POST", body: form, headers: { "X-CSRFToken": csrf }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .catch(function () { return { ok: false, error: d.tNetwork }; });
  }

  function showResult(message, detail, outcome) {
    document.getElementById("result-message").textContent = message || "";
    document.getElementById("result-detail").textContent = detail || "";
    result.className = "result " + (outcome || "error");
    say("");
    result.hidden = false;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () { result.hidden = true; say(""); }, 8000);
  }

  function setBusy(value) {
    busy = value;
    buttons.forEach(function (b) { b.disabled = value; });
  }

  // Frames at the rate the server asked for, on a fixed schedule (not "sleep after
  // each frame", which would drift): the server measures blinks and turns in frames.
  function film(count, fps, onFrame) {
    var frames = [];
    var interval = 1000 / fps;
    var start = performance.now();
    return new Promise(function (resolve) {
      function shoot(index) {
        if (index >= count) { resolve(frames); return; }
        onFrame(index);
        grab(480).then(function (blob) {
          frames[index] = blob;
          var wait = start + (index + 1) * interval - performance.now();
          setTimeout(function () { shoot(index + 1); }, Math.max(0, wait));
        });
      }
      shoot(0);
    });
  }

  function check(direction) {
    if (busy) { return; }
    setBusy(true);
    result.hidden = true;
    startCamera().then(function (ok) {
      if (!ok) { throw new Error("camera"); }
      return post(d.challengeUrl, new FormData());
    }).then(function (challenge) {
      if (!challenge.ok) { throw new Error(challenge.error); }
      // The reference frames come first, before any instruction; then each step's
      // instruction shows while its frames are taken.
      var starts = [];
      var at = challenge.reference_frames;
      challenge.steps.forEach(function (step) { starts.push(at); at += step.frames; });
      say(d.tLook);
      return film(challenge.frames, challenge.fps, function (index) {
        var s = starts.indexOf(index);
        if (s >= 0) { say(challenge.steps[s].prompt); }
      }).then(function (frames) {
        if (frames.some(function (b) { return !b; })) { throw new Error(d.tNoCamera); }
        say(d.tChecking);
        var form = new FormData();
        form.append("challenge", challenge.id);
        form.append("direction", direction);
        frames.forEach(function (blob, index) { form.append("frame", blob, "frame" + index + ".jpg"); });
        return post(d.checkUrl, form);
      });
    }).then(function (answer) {
      showResult(answer.ok ? answer.message : answer.error, answer.ok ? answer.detail : "", answer.outcome);
    }).catch(function (error) {
      if (error.message !== "camera") { showResult(error.message || d.tNetwork, "", "error"); }
    }).then(function () { setBusy(false); });
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () { check(button.dataset.direction); });
  });

  // --- PIN fallback -----------------------------------------------------------
  document.getElementById("show-pin").addEventListener("click", function () {
    enrollForm.hidden = true;
    pinForm.hidden = false;
    document.getElementById("pin-number").focus();
  });
  pinForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var form = new FormData(pinForm);
    grab(480).then(function (blob) {
      if (blob) { form.append("frame", blob, "frame.jpg"); }
      return post(d.pinUrl, form);
    }).then(function (answer) {
      pinForm.reset();
      pinForm.hidden = answer.ok;
      showResult(answer.ok ? answer.message : answer.error, answer.ok ? answer.detail : "", answer.outcome);
    });
  });

  // --- enrollment ---------------------------------------------------------------
  var enrollCode = "";
  document.getElementById("show-enroll").addEventListener("click", function () {
    pinForm.hidden = true;
    enrollForm.hidden = false;
    document.getElementById("enroll-step-code").hidden = false;
    document.getElementById("enroll-step-consent").hidden = true;
    document.getElementById("enroll-code").focus();
  });
  enrollForm.addEventListener("submit", function (event) {
    event.preventDefault();
    enrollCode = document.getElementById("enroll-code").value;
    var form = new FormData();
    form.append("code", enrollCode);
    post(d.enrollStartUrl, form).then(function (answer) {
      if (!answer.ok) { showResult(answer.error, "", "error"); return; }
      document.getElementById("enroll-name").textContent = answer.name;
      var box = document.getElementById("enroll-consent");
      box.textContent = "";
      answer.consent.forEach(function (text) {
        var p = document.createElement("p");
        p.textContent = text;
        box.appendChild(p);
      });
      enrollForm.dataset.needed = answer.needed;
      document.getElementById("enroll-step-code").hidden = true;
      document.getElementById("enroll-step-consent").hidden = false;
    });
  });
  document.getElementById("enroll-begin").addEventListener("click", function () {
    if (!document.getElementById("enroll-agree").checked || busy) { return; }
    var needed = Number(enrollForm.dataset.needed || 5);
    var photos = [];
    var tries = 0;
    setBusy(true);
    enrollForm.hidden = true;
    say(d.tEnrollHold);
    function next() {
      if (photos.length >= needed) { return finish(); }
      if (tries >= needed * 5) { return Promise.resolve(); }
      tries += 1;
      return sleep(900).then(function () { return grab(640); }).then(function (blob) {
        if (!blob) { return next(); }
        var form = new FormData();
        form.append("photo", blob, "photo.jpg");
        return post(d.enrollPhotoUrl, form).then(function (answer) {
          if (answer.ok) {
            photos.push(blob);
            say(format(d.tPhoto, { n: photos.length, total: needed }));
          } else {
            say(answer.message || answer.error);
          }
          return next();
        });
      });
    }
    function finish() {
      var form = new FormData();
      form.append("code", enrollCode);
      form.append("consent", "yes");
      photos.forEach(function (blob, index) { form.append("photo", blob, "photo" + index + ".jpg"); });
      return post(d.enrollFinishUrl, form).then(function (answer) {
        showResult(answer.ok ? answer.message : answer.error, (answer.problems || []).join(" "), answer.ok ? "recognised" : "error");
      });
    }
    startCamera().then(function (ok) { return ok ? next() : null; }).then(function () { setBusy(false); });
  });

  root.querySelectorAll("[data-close]").forEach(function (button) {
    button.addEventListener("click", function () { pinForm.hidden = true; enrollForm.hidden = true; });
  });

  document.getElementById("fullscreen").addEventListener("click", function () {
    if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen().catch(function () {}); }
  });

  // The site's clock, not the device's: a kiosk's own time zone may be unset.
  var clock = document.getElementById("clock");
  var clockFormat = null;
  try {
    clockFormat = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: d.timezone });
  } catch (e) {
    clockFormat = new Intl.DateTimeFormat([], { hour: "2-digit", minute: "2-digit", hour12: false });
  }
  function tick() { clock.textContent = clockFormat.format(new Date()); }
  if (clock) { tick(); setInterval(tick, 10000); }
  startCamera();
}());
