// Swagger UI's configuration for /docs (in a file, not inline, so the page's Content-Security-Policy
// can forbid inline scripts). Every document is served by this server under /docs/specs/; their
// relative $refs resolve there too. The definition menu comes from swagger-config.json, which the
// server writes from its one list of served documents (http.ServedDocuments). No validator badge:
// it would call validator.swagger.io.

// The served contract is upstream's document with the operations this server serves: it keeps the
// tag list of upstream's whole API (21 tags), and Swagger UI would show every tag as a section, most
// of them empty, which reads as missing features. Only tags with an operation here are shown. (This
// wraps a Swagger UI selector: the browser test sees it when a new Swagger UI version changes it.)
const OnlyTagsWithOperations = () => ({
  statePlugins: {
    spec: {
      wrapSelectors: {
        taggedOperations: (original) => (...args) => original(...args)
          .filter((tag) => tag.get('operations') && tag.get('operations').size > 0),
      },
    },
  },
});

window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    configUrl: '/docs/assets/swagger-config.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl, OnlyTagsWithOperations],
    layout: 'StandaloneLayout',
  });
});
