package dev.portaltoken.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.Property;
import dev.portaltoken.support.TestServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property-based fuzzing of the bulk import over HTTP: CSV and NDJSON bodies made of well-formed and
 * broken pieces (quotes, separators, line ends, byte-order marks, NULs, bad UTF-8, JSON fragments,
 * repeated and malformed aliases, bad emails). Every answer is a 200 whose counts match what was
 * written, or a 400 {@code RestErrorResponse} after which nothing was written; never a 500.
 */
class ImportFuzzTest {
    private static final String[] PIECES = {"fz-1", "fz-2", "fz-3", "fz-" , "", " ", "has space", ",", ",", ",", "\"",
        "\"a,b\"", "\"x\"\"y\"", "a@example.com", "not-an-email", "Zo\u00eb", "\uD83D\uDE00", "\u0000", "\t", "\uFEFF",
        "{\"alias\": \"fz-4\"}", "{\"alias\": \"fz-5\", \"name\": \"N\", \"email\": null}", "{\"alias\": 1}", "{",
        "}", "[]", "null", "{\"nmae\": \"x\"}", "{\"alias\": \"fz-1\", \"email\": \"bad\"}", "\\N", "\\"};
    private static final String[] ENDS = {"\n", "\n", "\r\n", "\r", ""};
    private static TestServer server;
    private static Http http;
    private static String key;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("PORTAL_RATE_LIMIT_PER_SECOND", "0"));
        server.createTenant("fuzzimport");
        key = server.createApiKey("fuzzimport");
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** One body, as sent. */
    record Upload(String type, byte[] body) {
        @Override
        public String toString() {
            return type + " " + new String(body, StandardCharsets.UTF_8).replace("\n", "\\n").replace("\r", "\\r")
                    .replace("\u0000", "\\0");
        }
    }

    private static Upload upload(Random r) {
        boolean csv = r.nextBoolean();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (csv && r.nextInt(5) > 0) {
            write(body, Property.oneOf(r, "alias,name,email", "email,alias,name", "ALIAS, Name ,email", "alias,name",
                    "alias,name,email,extra", "\uFEFFalias,name,email") + Property.oneOf(r, ENDS));
        }
        int lines = r.nextInt(8);
        for (int i = 0; i < lines; i++) {
            int pieces = r.nextInt(6);
            for (int p = 0; p < pieces; p++) {
                write(body, Property.oneOf(r, PIECES));
            }
            if (r.nextInt(12) == 0) {
                body.write(Property.oneOf(r, 0xff, 0xc3, 0x80, 0xed));
            }
            write(body, Property.oneOf(r, ENDS));
        }
        return new Upload(csv ? "text/csv" : "application/x-ndjson", body.toByteArray());
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static long customers() {
        try (Connection c = server.sql(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM customer c JOIN tenant t ON t.id = c.tenant_id WHERE t.slug = 'fuzzimport'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyBodyIsImportedWholeOrRefusedWithNothingWritten() {
        Property.forAll("imports", 100, ImportFuzzTest::upload, upload -> {
            long before = customers();
            Http.Reply reply = http.send("POST", "/api/v1/customers/import",
                    Map.of("Authorization", "Bearer " + key, "Content-Type", upload.type()), upload.body());
            JsonNode json = reply.json();
            if (reply.status() == 200) {
                long rows = json.get("rows").asLong();
                assertEquals(rows, json.get("created").asLong() + json.get("updated").asLong()
                        + json.get("unchanged").asLong(), reply::toString);
                assertEquals(before + json.get("created").asLong(), customers(), reply::toString);
            } else {
                assertEquals(400, reply.status(), reply::toString);
                assertEquals("BAD_REQUEST", json.get("code").asText(), reply::toString);
                assertTrue(!json.get("message").asText().isEmpty(), reply::toString);
                assertEquals(before, customers(), "a refused import writes nothing: " + reply);
            }
        });
    }
}
