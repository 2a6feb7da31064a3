package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.RuntimeSecrets;
import dev.portaltoken.support.StandInMeteroid;
import dev.portaltoken.support.Tokens;
import dev.portaltoken.support.Webhooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Walks docs/beside-meteroid.md as a new user would, on the packaged jar: every {@code sh} block is
 * run in order by bash in an empty directory ({@code portal-token-server} is the jar, as the guide's
 * alias makes it), against a stand-in of Meteroid's API that lists the customers the guide talks
 * about; what the guide has the user do in Meteroid (save the API key and webhook secret, create a
 * customer, which sends {@code customer.created}) the test does, with the Standard Webhooks library.
 */
class BesideMeteroidGuideIT {
    private static final Path GUIDE = Path.of("..", "docs", "beside-meteroid.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GUIDE_API_URL = "https://api.meteroid.com";
    private static final String GUIDE_SERVER = "http://localhost:8080";

    @TempDir
    Path dir;

    /** The guide's {@code sh} blocks, in order. */
    static List<String> shellBlocks() throws IOException {
        List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (String line : Files.readAllLines(GUIDE)) {
            if (block == null && line.equals("```sh")) {
                block = new StringBuilder();
            } else if (block != null && line.equals("```")) {
                blocks.add(block.toString());
                block = null;
            } else if (block != null) {
                block.append(line).append('\n');
            }
        }
        return blocks;
    }

    /** Runs a block with bash in the user's directory; returns its stdout (it must succeed). */
    private String run(String block, Map<String, String> substitutions) throws Exception {
        String script = block;
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            script = script.replace(s.getKey(), s.getValue());
        }
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String prelude = "set -euo pipefail\nportal-token-server() { '" + javaBin + "' -Djava.io.tmpdir='"
                + temp() + "' -jar '" + JarProcess.jar().toAbsolutePath() + "' \"$@\"; }\n";
        Process bash = new ProcessBuilder("bash", "-c", prelude + script).directory(dir.toFile()).start();
        bash.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(bash.getErrorStream()));
        String out = read(bash.getInputStream());
        assertTrue(bash.waitFor(3, TimeUnit.MINUTES), "timed out: " + block);
        RuntimeSecrets.recordApiKeysIn(out);
        assertEquals(0, bash.exitValue(), () -> block + "\n--- stdout\n" + out + "--- stderr\n" + err.join());
        return out;
    }

    /**
     * The temporary directory of the user's processes: the test's own, deleted with it (the embedded
     * PostgreSQL's distribution probe may leave a script behind in the one it is given).
     */
    private Path temp() throws IOException {
        return Files.createDirectories(dir.resolve("tmp"));
    }

    private static String read(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theGuideWorksOnACleanDirectoryAsWritten() throws Exception {
        List<String> blocks = shellBlocks();
        assertEquals(6, blocks.size(), "build, serve, tenant, connect, sync, mint: " + blocks);
        assertEquals("mvn -B -q package -DskipTests\nalias portal-token-server='java -jar impl/target/portal-token-server.jar'\n",
                blocks.get(0), "the build this test runs on (its jar is impl/target/portal-token-server.jar)");

        String apiKey = "pv_live_" + UUID.randomUUID().toString().replace("-", "") + "/7n42DGM5Tflk9n8mt7Fhc7";
        RuntimeSecrets.record("Meteroid API key", apiKey);
        Webhooks meteroidWebhooks = Webhooks.newSecret();
        StandInMeteroid.Customers upstream = new StandInMeteroid.Customers();
        StandInMeteroid.Customer acmeCorp = new StandInMeteroid.Customer(UUID.randomUUID(), "ACME Corp", "acme-corp",
                "billing@acme-corp.example");
        StandInMeteroid.Customer former = new StandInMeteroid.Customer(UUID.randomUUID(), "Former", "former", null);
        upstream.add(acmeCorp).add(former);
        upstream.archive(former.id());
        try (StandInMeteroid meteroid = StandInMeteroid.start(apiKey, upstream)) {
            Map<String, String> substitutions = new HashMap<>(Map.of(GUIDE_API_URL, meteroid.url().toString()));
            String serve = blocks.get(1).strip();
            assertTrue(serve.matches("(\\w+=\\S+ )*portal-token-server serve"), serve);
            Map<String, String> env = new LinkedHashMap<>();
            for (String word : serve.split(" ")) {
                if (word.contains("=")) {
                    env.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
                }
            }
            assertEquals(Map.of("PORTAL_METEROID_SYNC_SECONDS", "3600"), env);
            // ./data of the directory the guide's commands run in; a free port rather than 8080.
            try (JarProcess.Server server = JarProcess.Server.start(List.of("-Djava.io.tmpdir=" + temp()), env,
                    "--port", "0", "--data-dir", dir.resolve("data").toString())) {
                Http http = new Http(server.baseUri());
                substitutions.put(GUIDE_SERVER, server.baseUri().toString().replaceAll("/$", ""));

                run(blocks.get(2), substitutions);
                String key = Files.readString(dir.resolve("acme-api-key.txt")).strip();
                assertTrue(key.startsWith("pt_live_"), "step 1b saved the API key alone");

                // What step 2 has the user save from Meteroid's pages.
                Files.writeString(dir.resolve("meteroid-api-key.txt"), apiKey + "\n");
                Files.writeString(dir.resolve("meteroid-webhook-secret.txt"), meteroidWebhooks.secret() + "\n");
                String connected = run(blocks.get(3), substitutions);
                assertTrue(connected.contains("tenant acme is connected to Meteroid at " + meteroid.url()), connected);
                assertFalse(connected.contains(apiKey.substring(8, 40)), "the key is not printed");
                assertFalse(Files.exists(dir.resolve("meteroid-api-key.txt")), "and its file was removed");

                String synced = run(blocks.get(4), substitutions);
                assertTrue(synced.contains("synced tenant acme with Meteroid: 2 created, 0 renamed, 0 alias changed,"
                        + " 0 email changed, 0 archived, 0 unarchived;"), synced);

                // Someone creates a customer in Meteroid, which sends customer.created to the endpoint of step 2.
                String created = CustomerIds.format(UUID.randomUUID());
                String body = Webhooks.customerCreated(created, "Newcomer", "newcomer", null, null);
                Map<String, String> headers = new LinkedHashMap<>(meteroidWebhooks.headers("msg_guide_1", Instant.now(), body));
                headers.put("Content-Type", "application/json");
                Http.Reply received = http.send("POST", "/webhooks/meteroid/acme", headers, Webhooks.bytes(body));
                assertEquals(200, received.status(), received::toString);
                assertEquals("created", received.json().get("outcome").asText());
                assertEquals(200, http.mint(key, "newcomer", "{\"embed\": \"invoices\"}").status());

                JsonNode minted = JSON.readTree(run(blocks.get(5), substitutions));
                assertTrue(minted.get("portal_link").asText().endsWith("&page=invoices"), minted::toString);
                assertEquals(CustomerIds.format(acmeCorp.id()), Tokens.verifyWithJwks(http, minted.get("token").asText())
                        .getSubject(), "the customer synced from Meteroid, under its own id");
            }
            assertEquals(List.of(), meteroid.violations());
        }
    }
}
