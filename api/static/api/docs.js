// Draws the API reference from our own schema. A file of its own rather than an inline
// script, so that the site's Content-Security-Policy (script-src 'self') holds here too.
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-schema-url"),
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // Swagger UI's validator badge would send the schema to a third party.
    validatorUrl: null,
  });
})();
