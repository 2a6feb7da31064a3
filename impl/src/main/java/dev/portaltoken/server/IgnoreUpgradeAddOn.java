package dev.portaltoken.server;

import org.glassfish.grizzly.filterchain.FilterChainBuilder;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.HttpHeader;
import org.glassfish.grizzly.http.HttpServerFilter;
import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.grizzly.http.server.NetworkListener;

/**
 * Serves requests that carry an {@code Upgrade} header (such as {@code h2c}, which curl --http2 and
 * the JDK's HttpClient send by default) as plain HTTP/1.1, as RFC 9110 allows a server to do.
 *
 * <p>Grizzly 4 otherwise marks such a request as upgraded even though nothing takes the upgrade, stops
 * decoding its body by Content-Length, and the request hangs until the client gives up. This add-on
 * swaps Grizzly's HTTP codec for one that ignores the header; everything else is configured exactly
 * as {@code HttpServer} configures its own codec.
 */
final class IgnoreUpgradeAddOn implements AddOn {

    @Override
    public void setup(NetworkListener listener, FilterChainBuilder builder) {
        int index = builder.indexOfType(HttpServerFilter.class);
        if (index < 0) {
            throw new IllegalStateException("no HTTP codec in the filter chain");
        }
        HttpServerFilter original = (HttpServerFilter) builder.get(index);
        int maxHeaderSize = listener.getMaxHttpHeaderSize() == -1 ? 8192 : listener.getMaxHttpHeaderSize();
        HttpServerFilter codec = new PlainHttp11Codec(listener.isChunkingEnabled(), maxHeaderSize,
                listener.getKeepAlive(), listener.getMaxRequestHeaders(), listener.getMaxResponseHeaders());
        codec.setAllowPayloadForUndefinedHttpMethods(original.isAllowPayloadForUndefinedHttpMethods());
        codec.setMaxPayloadRemainderToSkip(original.getMaxPayloadRemainderToSkip());
        codec.getMonitoringConfig().addProbes(original.getMonitoringConfig().getProbes());
        builder.set(index, codec);
    }

    private static final class PlainHttp11Codec extends HttpServerFilter {
        PlainHttp11Codec(boolean chunking, int maxHeaderSize, org.glassfish.grizzly.http.KeepAlive keepAlive,
                         int maxRequestHeaders, int maxResponseHeaders) {
            super(chunking, maxHeaderSize, null, keepAlive, null, maxRequestHeaders, maxResponseHeaders);
        }

        @Override
        protected void onIncomingUpgrade(FilterChainContext ctx, HttpHeader httpHeader) {
            httpHeader.getUpgradeDC().recycle();
        }
    }
}
