package dev.portaltoken.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests of the introspect scenario: {@value Plan#INTROSPECTED_TOKENS} active tokens a server
 * minted for hot customers, each with an API key of the token's tenant, as {@code I KEY TOKEN} lines
 * (its tokens verify only on the server, or servers, that share its keys). Stateless.
 */
final class IntrospectRequests {
    private IntrospectRequests() {
    }

    /** Mints the tokens on {@code server} for customers of the hot request file; the lines hold API keys. */
    static List<String> mint(URI server, Path hotFile) throws IOException, InterruptedException {
        Map<String, String> keyOfTenant = new HashMap<>();
        List<String> customers = new ArrayList<>();
        for (String line : Files.readAllLines(hotFile, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f[0].equals("K")) {
                keyOfTenant.putIfAbsent(f[1], f[2]);
            } else if (customers.size() < Plan.INTROSPECTED_TOKENS * 3 && f[0].equals("C")) {
                customers.add(f[1] + " " + f[2]);
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < customers.size() && lines.size() < Plan.INTROSPECTED_TOKENS; i += 3) {
            String[] tenantAndCustomer = customers.get(i).split(" ");
            String key = keyOfTenant.get(tenantAndCustomer[0]);
            HttpResponse<String> minted = http.send(HttpRequest.newBuilder(
                            server.resolve("/api/v1/customers/" + tenantAndCustomer[1] + "/portal-token"))
                    .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (minted.statusCode() != 200) {
                throw new IllegalStateException("minting a token to introspect: HTTP " + minted.statusCode());
            }
            String token = minted.body().replaceFirst("(?s).*\"token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            lines.add("I " + key + " " + token);
            if (lines.size() == 1) { // the scenario measures active tokens: an inactive answer is a 200 too
                HttpResponse<String> active = http.send(HttpRequest.newBuilder(
                                server.resolve("/api/v1/portal-tokens/introspect"))
                        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (active.statusCode() != 200 || !active.body().contains("\"active\":true")) {
                    throw new IllegalStateException("a freshly minted token is not active: HTTP " + active.statusCode());
                }
            }
        }
        return lines;
    }
}
