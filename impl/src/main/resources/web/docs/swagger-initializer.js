// Swagger UI's configuration for /docs (in a file, not inline, so the page's Content-Security-Policy
// can forbid inline scripts). Every document is served by this server under /docs/specs/; their
// relative $refs resolve there too. No validator badge: it would call validator.swagger.io.
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    urls: [
      { name: 'Portal token API (served contract)', url: '/docs/specs/portal-token.openapi.yaml' },
      { name: 'Portal token API as upstream publishes it (Meteroid contract)', url: '/docs/specs/meteroid-portal-token.openapi.yaml' },
      { name: 'JWKS and these documents', url: '/docs/specs/portal-token-server.openapi.yaml' },
      { name: 'Operations: health, readiness, metrics', url: '/docs/specs/operations.openapi.yaml' },
      { name: 'Pages: portal page and this reference', url: '/docs/specs/pages.openapi.yaml' },
    ],
    'urls.primaryName': 'Portal token API (served contract)',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
});
