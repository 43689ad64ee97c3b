// Starts Swagger UI on the service's own OpenAPI document. Kept in a file (not inline) so a
// Content-Security-Policy without 'unsafe-inline' still allows it.
window.ui = SwaggerUIBundle({
  url: document.currentScript.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  deepLinking: true,
});
