package dev.portaltoken.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Every write through the admin API is logged as exactly one line on logger {@code audit}, once it
 * has committed, naming the same event as the audit trail, the key that made it and no secret; a
 * write that is refused logs nothing and records nothing. The CLI's changes are in the same trail.
 */
class AuditLogLineTest {
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.acme(Map.of("MANAGEMENT_PORT", "0"), null);

    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger audit = (Logger) LoggerFactory.getLogger("audit");

    @BeforeEach
    void capture() {
        captured.start();
        audit.addAppender(captured);
    }

    @AfterEach
    void release() {
        audit.detachAppender(captured);
    }

    private static Http.Reply call(String method, String path, String body, String... headers) {
        Map<String, String> all = new HashMap<>(Map.of("Authorization", "Bearer " + fixture.key()));
        for (int i = 0; i < headers.length; i += 2) {
            all.put(headers[i], headers[i + 1]);
        }
        if (body != null) {
            all.put("Content-Type", "application/json");
        }
        return fixture.http().send(method, path, all, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode newestEvent(String adminKey) {
        Http.Reply page = fixture.server().managementHttp().send("GET", "/admin/v1/audit-events?tenant=acme&limit=1",
                Map.of("Authorization", "Bearer " + adminKey), null);
        assertEquals(200, page.status(), page::toString);
        return page.json().get("data").get(0);
    }

    private List<String> lines() {
        return captured.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aWriteIsOneLineNamingItsEventAndKeyWithoutTheSecret() {
        String adminKey = fixture.server().cliOk("admin-key", "create", "--name", "audit-reader");
        captured.list.clear();
        Http.Reply created = call("POST", "/api/v1/customers", "{\"alias\": \"logged\", \"name\": \"Logged Ltd\"}");
        assertEquals(201, created.status(), created::toString);

        List<String> lines = lines();
        assertEquals(1, lines.size(), "one line per write: " + lines.size());
        JsonNode event = newestEvent(adminKey);
        String line = lines.get(0);
        assertTrue(line.startsWith("audit " + event.get("id").asText() + " "), "the trail's event id leads the line");
        assertTrue(line.contains(" customer.create "), "what was done");
        assertTrue(line.contains("target=" + created.json().get("id").asText()), "on what");
        String key = fixture.key();
        assertTrue(line.contains(key.substring(key.indexOf('/') + 1)), "which key: its id");
        assertTrue(line.contains("Logged Ltd"), "the after image");
        assertFalse(line.contains(key.substring("pt_live_".length(), key.indexOf('/'))), "never the key's secret");
    }

    @Test
    void aRefusedWriteLogsNothingAndRecordsNothing() {
        String adminKey = fixture.server().cliOk("admin-key", "create", "--name", "audit-reader-2");
        Http.Reply created = call("POST", "/api/v1/customers", "{\"alias\": \"stale\"}");
        assertEquals(201, created.status(), created::toString);
        String before = newestEvent(adminKey).get("id").asText();
        captured.list.clear();

        Http.Reply stale = call("PATCH", "/api/v1/customers/stale", "{\"name\": \"Lost\"}", "If-Match", "\"999\"");
        assertEquals(412, stale.status(), stale::toString);
        Http.Reply taken = call("POST", "/api/v1/customers", "{\"alias\": \"stale\"}");
        assertEquals(409, taken.status(), taken::toString);

        assertEquals(List.of(), lines(), "no line for a refused write");
        assertEquals(before, newestEvent(adminKey).get("id").asText(), "and no event in the trail");
    }

    @Test
    void theClisSigningKeyChangesAreInTheTrailAsTheClis() {
        String adminKey = fixture.server().cliOk("admin-key", "create", "--name", "audit-reader-3");
        String kid = fixture.server().cliOk("keys", "rotate");
        Http.Reply page = fixture.server().managementHttp().send("GET", "/admin/v1/audit-events?limit=1",
                Map.of("Authorization", "Bearer " + adminKey), null);
        assertEquals(200, page.status(), page::toString);
        JsonNode event = page.json().get("data").get(0);
        assertEquals("signing_key.rotate", event.get("action").asText(), event::toString);
        assertEquals(kid, event.get("target").asText());
        assertEquals("cli", event.get("actor").get("kind").asText());
    }
}
