package dev.portaltoken.ratelimit;

import dev.portaltoken.config.Cidr;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which address a request comes from: the TCP peer, unless that peer is a trusted proxy, in which
 * case the right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy. With no
 * trusted proxies configured, {@code X-Forwarded-For} is ignored (anyone can send it); the first
 * time it arrives from a peer that is not trusted, one WARN says so (a load balancer that
 * {@code PORTAL_TRUSTED_PROXIES} should name makes all its clients one address). Thread-safe.
 */
public final class ClientAddresses {
    private static final Logger LOG = LoggerFactory.getLogger(ClientAddresses.class);

    private final List<Cidr> trusted;
    private final AtomicBoolean warned = new AtomicBoolean();

    public ClientAddresses(List<Cidr> trustedProxies) {
        this.trusted = List.copyOf(trustedProxies);
    }

    /**
     * @param peer          the TCP peer's IP literal
     * @param forwardedFor  the {@code X-Forwarded-For} header, or null
     */
    public String resolve(String peer, String forwardedFor) {
        if (forwardedFor == null || forwardedFor.isBlank()) {
            return peer;
        }
        if (!isTrusted(peer)) {
            if (!warned.get() && warned.compareAndSet(false, true)) {
                LOG.warn("requests carry X-Forwarded-For from {}, which is not a trusted proxy: the header is ignored and"
                        + " limits apply to the proxy's address for all its clients; if it is your load balancer, add it"
                        + " to PORTAL_TRUSTED_PROXIES (logged once)", peer);
            }
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (!isTrusted(hop)) {
                return hop.isEmpty() || hop.length() > 64 ? peer : hop;
            }
        }
        return peer;
    }

    private boolean isTrusted(String address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
