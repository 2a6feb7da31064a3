package dev.portaltoken.ratelimit;

import dev.portaltoken.config.Cidr;
import java.util.List;

/**
 * Which address a request comes from: the TCP peer, unless that peer is a trusted proxy, in which
 * case the right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy. With no
 * trusted proxies configured, {@code X-Forwarded-For} is ignored (anyone can send it).
 */
public final class ClientAddresses {
    private final List<Cidr> trusted;

    public ClientAddresses(List<Cidr> trustedProxies) {
        this.trusted = List.copyOf(trustedProxies);
    }

    /**
     * @param peer          the TCP peer's IP literal
     * @param forwardedFor  the {@code X-Forwarded-For} header, or null
     */
    public String resolve(String peer, String forwardedFor) {
        if (!isTrusted(peer) || forwardedFor == null || forwardedFor.isBlank()) {
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
