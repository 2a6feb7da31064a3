package dev.portaltoken.server;

import dev.portaltoken.errors.ErrorRenderer;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import java.net.URISyntaxException;
import org.glassfish.grizzly.http.server.Request;

/**
 * Grizzly's error pages, for failures before a request reaches Jersey or while its body is read,
 * as the contract's JSON and never HTML. A request whose URL or body framing cannot be parsed (such
 * as {@code /%zz} or a bad chunk size) is the client's error: 400. During shutdown Grizzly refuses
 * requests that arrive on open connections with 503; that becomes the contract's 500 with
 * {@code Connection: close}, so the client retries elsewhere.
 */
final class HttpErrorPages implements ErrorPageGenerator {
    private final ErrorRenderer errors;

    HttpErrorPages(ErrorRenderer errors) {
        this.errors = errors;
    }

    @Override
    public String generate(Request request, int status, String reasonPhrase, String description, Throwable exception) {
        int answered = status;
        if (status == 500 && isMalformedRequest(exception)) {
            answered = 400;
            request.getResponse().setStatus(400, "Bad Request");
        } else if (status == 503) {
            answered = 500;
            request.getResponse().setStatus(500, "Internal Server Error");
            request.getResponse().setHeader("Connection", "close");
        }
        request.getResponse().setCharacterEncoding("UTF-8");
        request.getResponse().setContentType("application/json");
        return new String(errors.json(HttpCodecAddOn.refusal(answered)), StandardCharsets.UTF_8);
    }

    private static boolean isMalformedRequest(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            // IllegalState: Jersey's container cannot build the request (e.g. a folded header line)
            if (t instanceof IllegalArgumentException || t instanceof IllegalStateException || t instanceof URISyntaxException
                    || t instanceof java.io.IOException || t instanceof org.glassfish.grizzly.http.HttpBrokenContentException) {
                return true;
            }
        }
        return false;
    }
}
