package dev.portaltoken.http;

import dev.portaltoken.api.DocumentsApi;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /openapi.yaml}, {@code /openapi.json} (the served contract) and {@code /openapi/{document}}
 * (the source documents, byte for byte), as the additions document declares them.
 */
final class DocumentsResource implements DocumentsApi {
    private final ContractDocuments documents;

    DocumentsResource(ContractDocuments documents) {
        this.documents = documents;
    }

    @Override
    public String getContractYaml() {
        return documents.contractYaml();
    }

    /** The prepared JSON text as it is (the generated signature says Object: any JSON object). */
    @Override
    public Object getContractJson() {
        return Response.ok(documents.contractJson(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    @Override
    public String getSourceDocument(String document) {
        return documents.source(document).orElseThrow(() -> ApiException.notFound(
                "no such document; the documents are listed in /openapi/portal-token-server.openapi.yaml"));
    }
}
