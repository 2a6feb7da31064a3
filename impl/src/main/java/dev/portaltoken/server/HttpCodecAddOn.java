package dev.portaltoken.server;

import dev.portaltoken.errors.ApiException;
import dev.portaltoken.errors.ErrorRenderer;
import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.KeepAlive;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;
import org.glassfish.grizzly.memory.Buffers;
import org.glassfish.grizzly.memory.MemoryManager;

/**
 * Replaces Grizzly's HTTP/1.1 codec with one that differs in two ways; everything else is
 * configured exactly as {@code HttpServer} configures its own.
 *
 * <ul>
 *   <li>Requests carrying an {@code Upgrade} header (such as {@code h2c}, which curl --http2 and the
 *       JDK's HttpClient send by default) are served as plain HTTP/1.1, as RFC 9110 allows. Grizzly 4
 *       otherwise marks them upgraded although nothing takes the upgrade, stops decoding the body by
 *       Content-Length, and the request hangs: Grizzly's own issues
 *       <a href="https://github.com/eclipse-ee4j/glassfish-grizzly/issues/1972">#1972</a> ("HTTP/2
 *       Upgrade attempt without the HTTP/2 filters in use with a payload could end up timing out")
 *       and <a href="https://github.com/eclipse-ee4j/glassfish-grizzly/issues/2192">#2192</a>
 *       (answers to requests with HTTP/2 upgrade headers lose their Content-Type), both closed
 *       without a fix in the codec Grizzly 4 ships.</li>
 *   <li>Requests the codec itself refuses (malformed, headers or URL too large) are answered with the
 *       contract's {@code RestErrorResponse} JSON instead of an empty body.</li>
 * </ul>
 */
final class HttpCodecAddOn implements AddOn {
    private final ErrorRenderer errors;

    HttpCodecAddOn(ErrorRenderer errors) {
        this.errors = errors;
    }

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int index = builder.indexOfType(HttpServerFilter.class);
        if (index < 0) {
            throw new IllegalStateException("no HTTP codec in the filter chain");
        }
        HttpServerFilter original = (HttpServerFilter) builder.get(index);
        int maxHeaderSize = listener.getMaxHttpHeaderSize() == -1 ? 8192 : listener.getMaxHttpHeaderSize();
        HttpServerFilter codec = new Codec(errors, listener.isChunkingEnabled(), maxHeaderSize,
                listener.getKeepAlive(), listener.getMaxRequestHeaders(), listener.getMaxResponseHeaders());
        codec.setAllowPayloadForUndefinedHttpMethods(original.isAllowPayloadForUndefinedHttpMethods());
        codec.setMaxPayloadRemainderToSkip(original.getMaxPayloadRemainderToSkip());
        codec.getMonitoringConfig().addProbes(original.getMonitoringConfig().getProbes());
        builder.set(index, codec);
    }

    /** An error the HTTP layer answers before the application sees the request. */
    static ApiException refusal(int status) {
        String message = switch (status) {
            case 400 -> "malformed or oversized HTTP request";
            case 413 -> "request too large";
            case 405 -> "method not allowed here";
            case 414 -> "request URL too long";
            case 431 -> "request headers too large";
            default -> "request refused (HTTP " + status + ")";
        };
        return new ApiException(status, message);
    }

    private static final class Codec extends HttpServerFilter {
        private final ErrorRenderer errors;

        Codec(ErrorRenderer errors, boolean chunking, int maxHeaderSize, KeepAlive keepAlive, int maxRequestHeaders, int maxResponseHeaders) {
            super(chunking, maxHeaderSize, null, keepAlive, null, maxRequestHeaders, maxResponseHeaders);
            this.errors = errors;
        }

        @Override
        protected void onIncomingUpgrade(FilterChainContext ctx, HttpHeader httpHeader) {
            httpHeader.getUpgradeDC().recycle();
        }

        /** CONNECT would make the codec wait for tunnel data: refuse it at once instead. */
        @Override
        protected boolean onHttpHeaderParsed(HttpHeader httpHeader, Buffer buffer, FilterChainContext ctx) {
            boolean error = super.onHttpHeaderParsed(httpHeader, buffer, ctx);
            if (!error && httpHeader instanceof HttpRequestPacket request && request.getMethod() == Method.CONNECT) {
                request.getResponse().setStatus(405);
                return true;
            }
            return error;
        }

        @Override
        protected HttpContent customizeErrorResponse(HttpResponsePacket response) {
            if (response.getStatus() >= 500 || response.getStatus() == 0) {
                // The codec only refuses what it cannot parse (an unknown HTTP version, a folded header
                // line, ...): a malformed request like any other, answered 400 as the specs declare.
                response.setStatus(400);
                response.setReasonPhrase("Bad Request");
            }
            byte[] body = errors.json(refusal(response.getStatus()));
            response.setContentType("application/json");
            response.setContentLength(body.length);
            if (!response.getHeaders().contains(Header.ContentType)) {
                // Some early error paths encode only the raw header list, not the content-type field.
                response.getHeaders().addValue(Header.ContentType).setString("application/json");
            }
            return HttpContent.builder(response)
                    .content(Buffers.wrap(MemoryManager.DEFAULT_MEMORY_MANAGER, body))
                    .last(true)
                    .build();
        }
    }
}
