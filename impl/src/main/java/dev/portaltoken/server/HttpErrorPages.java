package dev.portaltoken.server;

import java.net.URISyntaxException;
import org.glassfish.grizzly.http.server.Request;

/**
 * Grizzly's error pages, for failures before a request reaches Jersey, as the contract's JSON and
 * never HTML. A request whose URL cannot be parsed (such as {@code /%zz}) is the client's error: 400.
 */
final class HttpErrorPages {
    private HttpErrorPages() {
    }

    static String json(Request request, int status, String reasonPhrase, String description, Throwable exception) {
        int answered = status;
        if (status == 500 && isMalformedUrl(exception)) {
            answered = 400;
            request.getResponse().setStatus(400, "Bad Request");
        }
        request.getResponse().setCharacterEncoding("UTF-8");
        request.getResponse().setContentType("application/json");
        return HttpCodecAddOn.errorJson(answered);
    }

    private static boolean isMalformedUrl(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof URISyntaxException) {
                return true;
            }
        }
        return false;
    }
}
