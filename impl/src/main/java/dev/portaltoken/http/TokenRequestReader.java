package dev.portaltoken.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.api.model.PortalTokenRequest;
import dev.portaltoken.errors.ApiException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the body of introspection and revocation requests: {@code {"token": "..."}} as JSON, or
 * {@code token=...} as {@code application/x-www-form-urlencoded} (as RFC 7662 and 7009 clients send
 * it). Unknown members or parameters are ignored; a missing token, or one that is not a string, is a
 * 400 naming the problem. Bodies over the cap are refused without being read whole.
 */
@Consumes({MediaType.APPLICATION_JSON, MediaType.APPLICATION_FORM_URLENCODED})
final class TokenRequestReader extends BoundedBodyReader<PortalTokenRequest> {
    private static final String EXPECTED = "send {\"token\": \"...\"} as JSON or token=... as a form";

    TokenRequestReader(ObjectMapper mapper, int maxBodyBytes) {
        super(PortalTokenRequest.class, mapper, maxBodyBytes);
    }

    @Override
    PortalTokenRequest parse(byte[] bytes, MediaType mediaType) {
        String token = mediaType != null && mediaType.isCompatible(MediaType.APPLICATION_FORM_URLENCODED_TYPE)
                ? fromForm(new String(bytes, StandardCharsets.UTF_8)) : fromJson(bytes);
        return new PortalTokenRequest().token(token);
    }

    private String fromJson(byte[] bytes) {
        JsonNode root;
        try {
            root = bytes.length == 0 ? null : mapper.readTree(bytes);
        } catch (JsonProcessingException | NumberFormatException | ArithmeticException e) {
            throw ApiException.badRequest("request body is not valid JSON; " + EXPECTED);
        } catch (IOException e) {
            throw ApiException.badRequest("request body could not be read");
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("request body must be a JSON object with a token; " + EXPECTED);
        }
        JsonNode token = root.get("token");
        if (token == null || token.isNull()) {
            throw ApiException.badRequest("token is required; " + EXPECTED);
        }
        if (!token.isTextual()) {
            throw ApiException.badRequest("token must be a string");
        }
        return token.textValue();
    }

    private static String fromForm(String form) {
        String token = null;
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            if ("token".equals(name)) {
                if (token != null) {
                    throw ApiException.badRequest("token is given more than once");
                }
                try {
                    token = URLDecoder.decode(equals < 0 ? "" : pair.substring(equals + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("the form's token is not properly percent-encoded");
                }
            }
        }
        if (token == null) {
            throw ApiException.badRequest("token is required; " + EXPECTED);
        }
        return token;
    }
}
