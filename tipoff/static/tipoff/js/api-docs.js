/* The API documentation page: Swagger UI (vendored) reading our own OpenAPI document.
   validatorUrl is switched off: by default Swagger UI asks validator.swagger.io.
   deepLinking is off: it puts a link inside each operation's button (nested controls,
   which screen readers and keyboards handle badly). */
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema"),
    dom_id: "#swagger-ui",
    deepLinking: false,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
