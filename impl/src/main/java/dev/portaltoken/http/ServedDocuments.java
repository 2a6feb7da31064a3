package dev.portaltoken.http;

import java.util.List;

/**
 * The one list of the OpenAPI documents this server serves. {@code /openapi/{document}} serves the
 * {@linkplain Document#source() source} documents, {@code /docs/specs/} and Swagger UI's definition
 * menu the {@linkplain Document#shown() shown} ones, in this order (the first is Swagger UI's
 * default). A new document is added here, and in the {@code document} enum of
 * {@code openapi/portal-token-server.openapi.yaml} when it is a source (a test compares the two).
 */
final class ServedDocuments {
    /**
     * @param file   the file name, as in the repository's {@code openapi/} (or, for the served contract,
     *               as module contract/ writes it)
     * @param title  its name in Swagger UI's definition menu
     * @param source served byte for byte under {@code /openapi/}
     * @param shown  rendered by Swagger UI (an overlay is not an OpenAPI document it can draw)
     */
    record Document(String file, String title, boolean source, boolean shown) {
    }

    static final List<Document> ALL = List.of(
            new Document(ContractDocuments.CONTRACT_YAML, "Portal token API (served contract)", false, true),
            new Document("meteroid-portal-token.openapi.yaml",
                    "Portal token API as upstream publishes it (Meteroid contract)", true, true),
            new Document("portal-token.overlay.yaml", "This server's additions to the contract (overlay)", true, false),
            new Document("portal-token-server.openapi.yaml", "JWKS and these documents", true, true),
            new Document("operations.openapi.yaml", "Operations: health, readiness, metrics", true, true),
            new Document("admin.openapi.yaml", "Admin API: customers, the audit trail", true, true),
            new Document("webhooks.openapi.yaml", "Webhooks from Meteroid", true, true),
            new Document("pages.openapi.yaml", "Pages: portal page and this reference", false, true));

    private ServedDocuments() {
    }

    static List<Document> sources() {
        return ALL.stream().filter(Document::source).toList();
    }

    static List<Document> shown() {
        return ALL.stream().filter(Document::shown).toList();
    }
}
