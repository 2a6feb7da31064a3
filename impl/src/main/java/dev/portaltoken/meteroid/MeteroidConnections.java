package dev.portaltoken.meteroid;

import dev.portaltoken.errors.Failure;
import dev.portaltoken.keys.SecretBox;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * Each tenant's connection to its upstream Meteroid: the API base URL, the API key a sync lists
 * customers with and the webhook endpoint secret, both sealed under the key encryption key and never
 * shown (only a hint of the key). Thread-safe.
 */
public final class MeteroidConnections {
    /** Upstream's API keys: {@code pv_<env>_<secret>/<id>}, the parts in base62. */
    private static final Pattern API_KEY = Pattern.compile("pv_[a-z]+_[0-9A-Za-z]{8,}/[0-9A-Za-z]{1,32}");

    /** What {@link #status} shows: never a secret. */
    public record Status(String apiUrl, Optional<String> apiKeyHint, boolean webhookSecret,
                         Optional<Instant> lastSyncAt, Optional<String> lastSyncResult) {
    }

    private final ConnectionRepository repository;
    private final Supplier<SecretBox> secrets;

    public MeteroidConnections(DataSource dataSource, Supplier<SecretBox> secrets) {
        this.repository = new ConnectionRepository(dataSource);
        this.secrets = secrets;
    }

    static String apiKeyContext(UUID tenantId) {
        return "meteroid-api-key:" + tenantId;
    }

    static String webhookSecretContext(UUID tenantId) {
        return "meteroid-webhook-secret:" + tenantId;
    }

    /**
     * Creates or changes the tenant's connection; a null key or secret keeps the stored one.
     *
     * @throws Failure INVALID for a URL that is not http(s) without query, an API key not of upstream's
     *                 form, a webhook secret that is not {@code whsec_} and base64, or a first connection
     *                 without either
     */
    public void connect(UUID tenantId, String apiUrl, String apiKey, String webhookSecret) {
        String url = checkUrl(apiUrl);
        if (apiKey != null && !API_KEY.matcher(apiKey.strip()).matches()) {
            throw Failure.invalid("the API key is not a Meteroid API key (pv_..._.../...)");
        }
        byte[] webhookKey = webhookSecret == null ? null : WebhookSignature.keyOf(webhookSecret);
        if (apiKey == null && webhookSecret == null && repository.find(tenantId).isEmpty()) {
            throw Failure.invalid("give the Meteroid API key (for the sync), the webhook secret, or both");
        }
        SecretBox box = secrets.get();
        repository.save(tenantId, url, apiKey == null ? null : hint(apiKey.strip()),
                apiKey == null ? null : box.seal(apiKeyContext(tenantId), apiKey.strip().getBytes(StandardCharsets.UTF_8)),
                webhookKey == null ? null : box.seal(webhookSecretContext(tenantId), webhookKey));
    }

    /** @throws Failure NOT_FOUND when the tenant has no connection */
    public Status status(UUID tenantId) {
        Connection c = require(tenantId);
        return new Status(c.apiUrl(), Optional.ofNullable(c.apiKeyHint()), c.webhookSecret() != null,
                Optional.ofNullable(c.lastSyncAt()), Optional.ofNullable(c.lastSyncResult()));
    }

    /** The connection a sync uses: URL and opened API key. @throws Failure NOT_FOUND without one or without a key */
    Upstream upstream(UUID tenantId) {
        Connection c = require(tenantId);
        if (c.apiKey() == null) {
            throw Failure.notFound("no Meteroid API key for this tenant: meteroid connect --api-key-file FILE");
        }
        return new Upstream(c.apiUrl(), new String(secrets.get().open(apiKeyContext(tenantId), c.apiKey()),
                StandardCharsets.UTF_8));
    }

    private Connection require(UUID tenantId) {
        return repository.find(tenantId).orElseThrow(
                () -> Failure.notFound("this tenant is not connected to Meteroid: meteroid connect first"));
    }

    /** A URL and the key to call it with. */
    record Upstream(String apiUrl, String apiKey) {
        @Override
        public String toString() {
            return "Upstream[" + apiUrl + ", key not shown]";
        }
    }

    /** {@code pv_sand_5ldO...x3v/...}: enough to recognise a key, far too little to use it. */
    static String hint(String apiKey) {
        int slash = apiKey.indexOf('/');
        String secret = slash < 0 ? apiKey : apiKey.substring(0, slash);
        return secret.substring(0, Math.min(12, secret.length() / 2)) + "..." + secret.substring(secret.length() - 4);
    }

    private static String checkUrl(String apiUrl) {
        try {
            URI uri = new URI(apiUrl == null ? "" : apiUrl.strip());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new URISyntaxException(String.valueOf(apiUrl), "not an http(s) base URL");
            }
            return uri.toString().replaceAll("/+$", "");
        } catch (URISyntaxException e) {
            throw Failure.invalid("the Meteroid API URL must be an http(s) base URL such as https://api.meteroid.com");
        }
    }
}
