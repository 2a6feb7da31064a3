package dev.portaltoken.meteroid;

import dev.portaltoken.keys.SecretBox;
import java.time.Instant;
import java.util.UUID;

/**
 * A tenant's connection to its upstream Meteroid as stored.
 *
 * @param apiUrl        upstream's API base URL, e.g. {@code https://api.meteroid.com}
 * @param apiKeyHint    the start and end of the API key, for people to recognise it; null without a key
 * @param apiKey        the sealed API key, null when none is stored
 * @param webhookSecret the sealed webhook endpoint secret, null when none is stored
 * @param lastSyncAt    when a sync last finished, or null
 * @param lastSyncResult what it did (or why it failed), or null
 */
record Connection(UUID tenantId, String apiUrl, String apiKeyHint, SecretBox.Sealed apiKey,
                  SecretBox.Sealed webhookSecret, Instant lastSyncAt, String lastSyncResult) {
}
