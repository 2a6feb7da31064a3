package dev.portaltoken.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.CliRun;
import dev.portaltoken.support.ServerFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code customer import} as a streamed, staged bulk operation: every bad row reported in line
 * order (repeated aliases found in the database among them), all or nothing whatever fails, and
 * statements that run longer than the request path's socket timeout.
 */
class BulkImportTest {
    @RegisterExtension
    static final ServerFixture fixture = ServerFixture.server(Map.of());

    @TempDir
    Path dir;


    @Test
    void badRowsComeInLineOrderWithRepeatedAliasesAmongThem() throws Exception {
        fixture.server().createTenant("ordered");
        fixture.server().createCustomer("ordered", "kept");
        Path csv = Files.writeString(dir.resolve("mixed.csv"), """
                alias,name,email
                a,One,
                b,"Two
                lines",
                a,Again,
                bad alias,x,
                c,Three,not-an-email
                a,Third time,
                bad alias,repeated but already bad,
                c,Three again,
                b,,
                kept,Changed,
                """);
        CliRun.Result result = fixture.server().cli("customer", "import", "--tenant", "ordered", csv.toString());
        assertEquals(1, result.exit(), result::toString);
        assertEquals("", result.out());
        assertEquals(List.of(
                "mixed.csv: line 5: alias 'a' is also on line 2",
                "mixed.csv: line 6: alias must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ @ : + -",
                "mixed.csv: line 7: email 'not-an-email' is not an email address",
                "mixed.csv: line 8: alias 'a' is also on line 2",
                "mixed.csv: line 9: alias must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ @ : + -",
                "mixed.csv: line 11: alias 'b' is also on line 3",
                "error: 6 bad row(s) in mixed.csv; nothing was imported"), result.err().strip().lines().toList());
        assertEquals(List.of("kept:null"), customers("ordered"), "nothing written, nothing changed");
    }

    @Test
    void aFileThatIsNotUtf8IsOneLineAndWritesNothing() throws Exception {
        fixture.server().createTenant("latin");
        Path csv = Files.write(dir.resolve("latin1.csv"),
                "alias,name,email\nzoe,Zo\u00eb,\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        CliRun.Result result = fixture.server().cli("customer", "import", "--tenant", "latin", csv.toString());
        assertEquals(1, result.exit(), result::toString);
        assertEquals("error: " + csv + " is not UTF-8 text", result.err().strip());
        assertEquals(List.of(), customers("latin"));
    }

    /** The pool's socket timeout (10 s) is for requests; one bulk statement may take longer. */
    @Test
    void aStatementLongerThanTheRequestSocketTimeoutCompletes() throws Exception {
        fixture.server().createTenant("patient");
        Path csv = Files.writeString(dir.resolve("slow.csv"), "alias,name,email\nslow,Slow,\n");
        try (Trigger ignored = new Trigger("patient", "PERFORM pg_sleep(11)")) {
            CliRun.Result result = fixture.server().cli("customer", "import", "--tenant", "patient", csv.toString());
            assertEquals(0, result.exit(), result::toString);
            assertTrue(result.lastLine().contains("1 created, 0 updated, 0 skipped"), result::toString);
        }
        assertEquals(List.of("slow:Slow"), customers("patient"));
    }

    @Test
    void aDatabaseFailureWhileApplyingIsOneLineAndUndoesTheUpdates() throws Exception {
        fixture.server().createTenant("fragile");
        fixture.server().createCustomer("fragile", "old");
        Path csv = Files.writeString(dir.resolve("boom.csv"), "alias,name,email\nold,Updated,\nnew-1,,\nboom,,\n");
        try (Trigger ignored = new Trigger("fragile",
                "IF NEW.alias = 'boom' THEN RAISE EXCEPTION 'refusing %', NEW.alias; END IF")) {
            CliRun.Result result = fixture.server().cli("customer", "import", "--tenant", "fragile", csv.toString());
            assertEquals(1, result.exit(), result::toString);
            assertEquals("", result.out());
            assertEquals("error: database: ERROR: refusing boom", result.err().strip().lines().findFirst().orElse(""));
            assertEquals(1, result.err().strip().lines().count(), result::toString);
        }
        assertEquals(List.of("old:null"), customers("fragile"), "the update of 'old' was rolled back with the rest");
    }

    /** {@code alias:name} of each of the tenant's customers, by alias. */
    private static List<String> customers(String tenant) throws Exception {
        try (Connection c = fixture.server().sql(); PreparedStatement ps = c.prepareStatement("""
                SELECT c.alias || ':' || coalesce(c.name, 'null') FROM customer c JOIN tenant t ON t.id = c.tenant_id
                 WHERE t.slug = ? ORDER BY c.alias""")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> rows = new java.util.ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                return rows;
            }
        }
    }

    /** A row trigger on inserting the tenant's customers running {@code body}, dropped on close. */
    private static final class Trigger implements AutoCloseable {
        private final String name;

        Trigger(String tenant, String body) throws Exception {
            this.name = "test_" + tenant;
            try (Connection c = fixture.server().sql(); Statement s = c.createStatement();
                 ResultSet id = s.executeQuery("SELECT id FROM tenant WHERE slug = '" + tenant + "'")) {
                id.next();
                String tenantId = id.getString(1);
                s.execute("CREATE FUNCTION " + name + "() RETURNS trigger AS $$ BEGIN " + body
                        + "; RETURN NEW; END $$ LANGUAGE plpgsql");
                s.execute("CREATE TRIGGER " + name + " BEFORE INSERT ON customer FOR EACH ROW WHEN (NEW.tenant_id = '"
                        + tenantId + "') EXECUTE FUNCTION " + name + "()");
            }
        }

        @Override
        public void close() throws Exception {
            try (Connection c = fixture.server().sql(); Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER " + name + " ON customer");
                s.execute("DROP FUNCTION " + name + "()");
            }
        }
    }
}
