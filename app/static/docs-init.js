// Starts Swagger UI on the docs page. A file of its own (not an inline script) so that the
// page's Content-Security-Policy can be script-src 'self'.
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: container.getAttribute("data-spec-url"),
    domNode: container,
    deepLinking: true,
    persistAuthorization: false,
  });
});
