package dev.portaltoken.http;

import dev.portaltoken.errors.ApiException;
import dev.portaltoken.meteroid.MeteroidWebhooks;
import dev.portaltoken.meteroid.WebhookSignature;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Authenticates a webhook from a tenant's Meteroid by its Standard Webhooks signature, before its
 * body is parsed: reads the raw body (at most the body cap), verifies it against the tenant's
 * endpoint secret ({@link MeteroidWebhooks#verify}) and hands the verified message to the resource
 * ({@link #take}); the body is then read again from the bytes kept. A message that fails a check is
 * a 401 that names the check. Bound to the webhook route ({@link SignedWebhook}), after routing.
 */
@SignedWebhook
@Priority(Priorities.AUTHENTICATION)
final class WebhookSignatureFilter implements ContainerRequestFilter {
    /**
     * The verified message of the request this thread processes. Set here and taken by the webhook
     * resource, which this filter always precedes; a value left by a request that failed before its
     * resource is replaced by the next webhook's before anything reads it.
     */
    private static final ThreadLocal<MeteroidWebhooks.Verified> VERIFIED = new ThreadLocal<>();

    private final MeteroidWebhooks webhooks;
    private final int maxBodyBytes;

    WebhookSignatureFilter(MeteroidWebhooks webhooks, int maxBodyBytes) {
        this.webhooks = webhooks;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        VERIFIED.remove();
        byte[] body;
        try {
            body = request.getEntityStream().readNBytes(maxBodyBytes + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("request body was not received completely");
        }
        if (body.length > maxBodyBytes) {
            throw ApiException.badRequest("request body is larger than " + maxBodyBytes + " bytes");
        }
        request.setEntityStream(new ByteArrayInputStream(body));
        String tenant = request.getUriInfo().getPathParameters().getFirst("tenant");
        try {
            VERIFIED.set(webhooks.verify(tenant, request::getHeaderString, body));
        } catch (WebhookSignature.Rejected e) {
            throw new ApiException(401, "webhook not verified: " + e.getMessage());
        }
    }

    /** The current request's verified message, once. */
    static MeteroidWebhooks.Verified take() {
        MeteroidWebhooks.Verified verified = VERIFIED.get();
        VERIFIED.remove();
        if (verified == null) {
            throw new IllegalStateException("webhook resource reached without a verified signature");
        }
        return verified;
    }
}
