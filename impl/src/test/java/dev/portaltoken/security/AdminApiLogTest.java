package dev.portaltoken.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.portaltoken.support.AdminDocument;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * No admin key or API key reaches a log line through the admin API. Every logger's events are
 * captured (request log, audit line, failures, the CLI that made the keys) while every operation of
 * openapi/admin.openapi.yaml is called with an admin key and a tenant's key, each also where it is
 * refused, and with the keys where no key belongs: in path values, the query, Idempotency-Key,
 * If-Match and the body, and slightly altered (a failed authentication). The test fails if any line
 * holds a key's secret or anything of a key's shape; it also shows the admin paths were logged, so
 * the build's log scan (LogScanIT, which reads this class's output too) has them to read.
 */
class AdminApiLogTest {
    private static final Pattern KEY_SHAPE = Pattern.compile("pt_(?:live|admin|portal)_[A-Za-z0-9]{43}");

    private static String text(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(event.getFormattedMessage()).append(' ').append(event.getMDCPropertyMap());
        if (event.getKeyValuePairs() != null) {
            event.getKeyValuePairs().forEach(pair -> text.append(' ').append(pair.key).append('=').append(pair.value));
        }
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            text.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                text.append(' ').append(frame.getSTEAsString());
            }
        }
        return text.toString();
    }

    @Test
    void noKeyReachesALogLineOnAnyAdminPath() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        List<String> secrets = new ArrayList<>();
        try (TestServer server = TestServer.start(Map.of("MANAGEMENT_PORT", "0"))) {
            server.createTenant("acme");
            String adminKey = server.cliOk("admin-key", "create", "--name", "log-check");
            String apiKey = server.createApiKey("acme");
            server.createCustomer("acme", "logged");
            for (String key : List.of(adminKey, apiKey)) {
                secrets.add(key.substring(key.indexOf('_', 3) + 1, key.indexOf('/')));
            }
            String encodedKey = apiKey.replace("/", "%2F");
            for (String key : List.of(adminKey, apiKey)) {
                String altered = key.substring(0, 20) + (key.charAt(20) == 'a' ? 'b' : 'a') + key.substring(21);
                for (Http http : List.of(server.http(), server.managementHttp())) {
                    for (AdminDocument.Operation op : AdminDocument.operations()) {
                        exercise(http, op, op.path("logged"), key);
                        exercise(http, op, op.path("logged"), altered);
                        exercise(http, op, op.path(encodedKey), key);
                    }
                    call(http, "GET", "/admin/v1/audit-events?tenant=" + encodedKey, key, null);
                    call(http, "GET", "/api/v1/customers?alias_prefix=" + encodedKey + "&cursor=" + encodedKey, key, null);
                    call(http, "POST", "/api/v1/customers", key, "{\"alias\": \"" + key + "\", \"id\": \"" + key + "\"}",
                            "Idempotency-Key", key);
                    call(http, "PATCH", "/admin/v1/tenants/acme/customers/logged", key, "{\"email\": \"" + key + "\"}",
                            "If-Match", key);
                }
            }
        } finally {
            root.detachAppender(captured);
        }
        List<String> lines = captured.list.stream().map(AdminApiLogTest::text).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("/admin/v1/tenants/{tenant}/customers")),
                "the admin routes are in the request log");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("audit ")), "writes were audited in the log");
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean leak = KEY_SHAPE.matcher(line).find() || secrets.stream().anyMatch(line::contains);
            if (leak) {
                leaks.add("event " + i + " of logger " + captured.list.get(i).getLoggerName());
            }
        }
        assertEquals(List.of(), leaks, "log events holding a key (not shown) of " + lines.size());
    }

    private static void exercise(Http http, AdminDocument.Operation op, String path, String key) {
        call(http, op.method(), path, key, op.body().isMissingNode() ? null : "{\"name\": \"logged\"}");
    }

    private static void call(Http http, String method, String path, String key, String body, String... headers) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("Authorization", "Bearer " + key));
        for (int i = 0; i < headers.length; i += 2) {
            all.put(headers[i], headers[i + 1]);
        }
        if (body != null) {
            all.put("Content-Type", "application/json");
        }
        http.send(method, path, all, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
