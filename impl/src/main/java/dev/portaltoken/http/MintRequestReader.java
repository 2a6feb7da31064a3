package dev.portaltoken.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.api.model.CustomerPortalTokenRequest;
import dev.portaltoken.api.model.PortalEmbedView;
import dev.portaltoken.api.model.PortalPage;
import dev.portaltoken.api.model.TokenScope;
import dev.portaltoken.errors.ApiException;
import dev.portaltoken.token.PortalView;
import dev.portaltoken.token.Scope;
import dev.portaltoken.keys.TokenLifetime;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the portal-token request body strictly, with a message for each way it can be wrong.
 *
 * <p>No body, an empty body, {@code null}, {@code {}} and {@code {"expires_in_seconds": null}} all
 * mean "default lifetime" and both scopes. {@code expires_in_seconds} must be a JSON number with an
 * integral value (as JSON Schema's {@code integer}); its range is checked by {@link TokenLifetime}.
 * {@code scopes} must be null or an array of the strings {@code "read"} and {@code "manage"}; that it
 * is not empty is checked by {@link dev.portaltoken.token.Scopes}. {@code invalidate_existing} must be
 * true, false or null. {@code page} and {@code embed} must be null or one of the values upstream's portal
 * knows ({@link PortalView}, which checks how they combine with {@code subscription}, a string or
 * null). Unknown members are ignored.
 * Bodies over the cap are refused without being read whole.
 */
@Consumes(MediaType.APPLICATION_JSON)
final class MintRequestReader extends BoundedBodyReader<CustomerPortalTokenRequest> {
    private static final String FIELD = "expires_in_seconds";
    private static final String SCOPES = "scopes";
    private static final String INVALIDATE_EXISTING = "invalidate_existing";
    private static final String PAGE = "page";
    private static final String EMBED = "embed";
    private static final String SUBSCRIPTION = "subscription";
    private static final Pattern SHOWABLE = Pattern.compile("[A-Za-z0-9 _.:-]{1,24}");
    private static final int MAX_QUOTED_LENGTH = 24;

    MintRequestReader(ObjectMapper mapper, int maxBodyBytes) {
        super(CustomerPortalTokenRequest.class, mapper, maxBodyBytes);
    }

    @Override
    CustomerPortalTokenRequest parse(byte[] bytes, MediaType mediaType) {
        return parse(bytes);
    }

    CustomerPortalTokenRequest parse(byte[] bytes) {
        if (isBlank(bytes)) {
            return null;
        }
        JsonNode root = tree(bytes);
        if (root == null || root.isNull() || root.isMissingNode()) {
            return null;
        }
        if (!root.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object or null, not " + describe(root));
        }
        CustomerPortalTokenRequest request = new CustomerPortalTokenRequest();
        request.setExpiresInSeconds(lifetime(root.get(FIELD)));
        request.setScopes(scopes(root.get(SCOPES)));
        request.setInvalidateExisting(invalidateExisting(root.get(INVALIDATE_EXISTING)));
        String page = oneOf(root.get(PAGE), PAGE, PortalView.PAGES);
        request.setPage(page == null ? null : PortalPage.fromValue(page));
        String embed = oneOf(root.get(EMBED), EMBED, PortalView.EMBED_VIEWS);
        request.setEmbed(embed == null ? null : PortalEmbedView.fromValue(embed));
        request.setSubscription(text(root.get(SUBSCRIPTION), SUBSCRIPTION, "a Meteroid subscription id (sub_...)"));
        return request;
    }

    private static Integer lifetime(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ApiException.badRequest(FIELD + " must be an integer number of seconds or null, not " + describe(value));
        }
        BigDecimal number = value.decimalValue();
        if (number.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) < 0
                || number.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0) {
            throw TokenLifetime.outOfRange(quote(value));
        }
        if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
            throw ApiException.badRequest(FIELD + " must be a whole number of seconds; got " + quote(value));
        }
        return number.intValueExact();
    }

    /** A string member, null when absent or null. */
    private static String text(JsonNode value, String field, String what) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(field + " must be " + what + " or null, not " + describe(value));
        }
        return value.textValue();
    }

    /** A string member that must be one of {@code values} (upstream's portal knows no other). */
    private static String oneOf(JsonNode value, String field, List<String> values) {
        String text = text(value, field, "a string");
        if (text != null && !values.contains(text)) {
            throw ApiException.badRequest(field + " must be one of " + String.join(", ", values) + ", or null; got "
                    + quoteText(text));
        }
        return text;
    }

    private static Boolean invalidateExisting(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw ApiException.badRequest(INVALIDATE_EXISTING + " must be true, false or null, not " + describe(value));
        }
        return value.booleanValue();
    }

    /** The named scopes in order, duplicates kept (the service counts each once); an empty array stays empty. */
    private static List<TokenScope> scopes(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw ApiException.badRequest(SCOPES + " must be an array of \"read\" and \"manage\", or null; not "
                    + describe(value));
        }
        List<TokenScope> scopes = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            String at = SCOPES + "[" + i + "] must be \"read\" or \"manage\"";
            if (!element.isTextual()) {
                throw ApiException.badRequest(at + ", not " + describe(element));
            }
            Scope scope = Scope.named(element.textValue())
                    .orElseThrow(() -> ApiException.badRequest(at + "; got " + quoteText(element.textValue())));
            scopes.add(TokenScope.fromValue(scope.wireName()));
        }
        return scopes;
    }

    /** The service's scope for the contract's. */
    static Scope scope(TokenScope scope) {
        return Scope.named(scope.toString()).orElseThrow();
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** A string from the request, quoted when short and plain. */
    private static String quoteText(String text) {
        return SHOWABLE.matcher(text).matches() ? "'" + text + "'" : "a string that is not shown";
    }

    private static String quote(JsonNode number) {
        String text = number.isBigDecimal() ? number.decimalValue().toString() : number.asText();
        return text.length() <= MAX_QUOTED_LENGTH ? text : text.substring(0, MAX_QUOTED_LENGTH) + "...";
    }
}
