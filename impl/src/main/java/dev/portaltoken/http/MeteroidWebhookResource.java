package dev.portaltoken.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portaltoken.api.WebhooksApi;
import dev.portaltoken.api.model.MeteroidEvent;
import dev.portaltoken.api.model.WebhookReceipt;
import dev.portaltoken.meteroid.MeteroidWebhooks;

/**
 * {@code POST /webhooks/meteroid/{tenant}}: a webhook from the tenant's Meteroid, its signature
 * verified by {@link WebhookSignatureFilter} before it gets here.
 */
final class MeteroidWebhookResource implements WebhooksApi {
    private final MeteroidWebhooks webhooks;
    private final ObjectMapper json;

    MeteroidWebhookResource(MeteroidWebhooks webhooks, ObjectMapper json) {
        this.webhooks = webhooks;
        this.json = json;
    }

    @Override
    public WebhookReceipt receiveMeteroidWebhook(String tenant, MeteroidEvent event, String webhookId,
                                                 String webhookTimestamp, String webhookSignature) {
        ObjectNode members = json.valueToTree(new java.util.LinkedHashMap<>(event)); // a plain map: its members only
        MeteroidWebhooks.Outcome outcome = webhooks.receive(WebhookSignatureFilter.take(), event.getType(), members);
        return new WebhookReceipt(WebhookReceipt.OutcomeEnum.fromValue(outcome.wireName()));
    }
}
