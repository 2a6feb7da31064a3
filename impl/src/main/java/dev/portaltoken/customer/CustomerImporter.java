package dev.portaltoken.customer;

import dev.portaltoken.audit.Actor;
import dev.portaltoken.audit.AuditTrail;
import dev.portaltoken.db.Bulk;
import dev.portaltoken.db.DataAccessException;
import dev.portaltoken.db.CopyRows;
import dev.portaltoken.db.Sql;
import dev.portaltoken.db.UnitOfWork;
import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.Uuids;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a tenant's customers from a CSV stream ({@link CustomerImport}), all or nothing, in
 * memory that does not grow with the file: rows are streamed with {@code COPY} into a temporary
 * staging table, checked there (aliases repeated within the file are found in SQL), then applied
 * with two set-based statements, all in one transaction with {@link Bulk} timeouts, which records
 * one audit event. Thread-safe.
 */
public final class CustomerImporter {
    private static final String CREATE_STAGING = """
            CREATE TEMPORARY TABLE customer_import (line bigint NOT NULL, id uuid, alias text, name text,
                                                    email text, error text) ON COMMIT DROP""";
    private static final String COPY = "COPY customer_import (line, id, alias, name, email, error) FROM STDIN";
    /** Every bad row in line order: the ones refused while reading, then repeated aliases. */
    private static final String BAD_ROWS = """
            WITH repeated AS (
                SELECT alias, min(line) AS first FROM customer_import WHERE error IS NULL
                 GROUP BY alias HAVING count(*) > 1)
            SELECT line, error, NULL, NULL FROM customer_import WHERE error IS NOT NULL
            UNION ALL
            SELECT i.line, NULL, i.alias, r.first FROM customer_import i JOIN repeated r ON r.alias = i.alias
             WHERE i.error IS NULL AND i.line > r.first
            ORDER BY 1""";
    private static final String APPLY_UPDATES = """
            UPDATE customer c SET name = i.name, email = i.email FROM customer_import i
             WHERE c.tenant_id = ? AND c.alias = i.alias
               AND (c.name IS DISTINCT FROM i.name OR c.email IS DISTINCT FROM i.email)""";
    private static final String APPLY_INSERTS = """
            INSERT INTO customer (id, tenant_id, alias, name, email)
            SELECT i.id, ?, i.alias, i.name, i.email FROM customer_import i
             WHERE NOT EXISTS (SELECT 1 FROM customer c WHERE c.tenant_id = ? AND c.alias = i.alias)""";

    private static final Logger LOG = LoggerFactory.getLogger(CustomerImporter.class);

    private final DataSource dataSource;
    private final AuditTrail audit;

    public CustomerImporter(DataSource dataSource) {
        this.dataSource = dataSource;
        this.audit = new AuditTrail(dataSource);
    }

    /** Told what an import finds as it goes; called on the importing thread. */
    public interface Listener {
        /** A bad row, as {@code line N: reason}; bad rows come in line order, after the whole file was read. */
        void badRow(String message);

        /** How many records of the file have been read so far. */
        void progress(long records);
    }

    /**
     * What an import did: customers created, updated, and unchanged rows skipped; or, when
     * {@code badRows} is not zero, nothing at all.
     */
    public record Result(long created, long updated, long skipped, long badRows) {
    }

    /**
     * {@link #importCsv} of a UTF-8 file.
     *
     * @throws Failure INVALID also when the file cannot be read or is not UTF-8
     */
    public Result importFile(UUID tenantId, Path file, Listener listener) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return importCsv(tenantId, reader, listener);
        } catch (CharacterCodingException e) {
            throw Failure.invalid(file + " is not UTF-8 text");
        } catch (NoSuchFileException e) {
            throw Failure.invalid("no such file: " + file);
        } catch (IOException e) {
            throw Failure.invalid("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The formats of an import's rows: CSV with a header row ({@link CustomerImport}), or NDJSON ({@link NdjsonImport}). */
    public enum Format {
        CSV, NDJSON
    }

    /**
     * Creates or updates, by alias, a customer of {@code tenantId} for every row of {@code csv}, in
     * one transaction, recorded in the audit trail as the CLI's; a file with any bad row changes nothing.
     *
     * @throws Failure INVALID for an empty file or a wrong header row, CONFLICT for an alias taken by a
     *                      concurrent change while importing
     * @throws IOException  when {@code csv} cannot be read
     */
    public Result importCsv(UUID tenantId, Reader csv, Listener listener) throws IOException {
        return importRows(Actor.cli(), tenantId, Format.CSV, csv, listener, result -> result, Supplier::get);
    }

    /**
     * Imports {@code rows} in one transaction on this importer's pool, which the work of
     * {@code accepted} joins ({@link UnitOfWork}): once every row is read and checked, a body with bad
     * rows (all told to {@code listener}) is handed to {@code rejected} and changes nothing; otherwise
     * {@code accepted} is given the step that writes the customers and the audit record
     * ({@code customer.import}, with the counts), to run or not (an idempotent replay), and what it
     * returns is committed with them.
     *
     * @throws Failure INVALID for an empty CSV body or a wrong header row, CONFLICT for an alias taken
     *                      by a concurrent change while importing
     * @throws IOException  when {@code rows} cannot be read
     */
    public <T> T importRows(Actor actor, UUID tenantId, Format format, Reader rows, Listener listener,
                            Function<Result, T> rejected, Function<Supplier<Result>, T> accepted) throws IOException {
        try {
            return UnitOfWork.inTransaction(dataSource, c -> {
                Bulk.timeouts(c);
                long started = System.nanoTime();
                long[] counts = stage(c, format, rows, listener);
                long staged = System.nanoTime();
                long badRows = reportBadRows(c, listener);
                LOG.debug("staged {} rows in {} ms, checked them in {} ms", counts[0] + counts[1],
                        (staged - started) / 1_000_000, (System.nanoTime() - staged) / 1_000_000);
                if (badRows > 0) {
                    return rejected.apply(new Result(0, 0, 0, badRows));
                }
                return accepted.apply(() -> apply(c, actor, tenantId, counts[0]));
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private Result apply(Connection c, Actor actor, UUID tenantId, long rows) {
        try {
            long checked = System.nanoTime();
            long updated = apply(c, APPLY_UPDATES, tenantId);
            long applied = System.nanoTime();
            long created = apply(c, APPLY_INSERTS, tenantId);
            LOG.debug("updated {} customers in {} ms, created {} in {} ms", updated,
                    (applied - checked) / 1_000_000, created, (System.nanoTime() - applied) / 1_000_000);
            Result result = new Result(created, updated, rows - created - updated, 0);
            audit.record(actor, "customer.import", tenantId, "customers", null, Map.of("rows", rows,
                    "created", created, "updated", updated, "unchanged", result.skipped()));
            return result;
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    /** Streams the file into the staging table. @return {valid rows, bad rows} */
    private static long[] stage(Connection c, Format format, Reader body, Listener listener) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(CREATE_STAGING);
        }
        long[] counts = new long[2];
        CopyRows copy = CopyRows.start(c, COPY);
        try {
            CustomerImport.Rows staging = new CustomerImport.Rows() {
                @Override
                public void valid(long line, String alias, String name, String email) throws IOException {
                    counts[0]++;
                    copy.row(line, Uuids.v7(), alias, name, email, null);
                }

                @Override
                public void invalid(long line, String reason) throws IOException {
                    counts[1]++;
                    copy.row(line, null, null, null, null, reason);
                }
            };
            if (format == Format.CSV) {
                CustomerImport.read(body, staging, listener::progress);
            } else {
                NdjsonImport.read(body, staging, listener::progress);
            }
            copy.finish();
        } catch (IOException e) {
            copy.cancel(e);
            throw new UncheckedIOException(e);
        } catch (SQLException | RuntimeException e) {
            copy.cancel(e);
            throw e;
        }
        try (Statement s = c.createStatement()) {
            s.execute("ANALYZE customer_import");
        }
        return counts;
    }

    private static long reportBadRows(Connection c, Listener listener) throws SQLException {
        long bad = 0;
        try (PreparedStatement ps = c.prepareStatement(BAD_ROWS)) {
            ps.setFetchSize(CustomerImport.PROGRESS_EVERY);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bad++;
                    String reason = rs.getString(2) != null ? rs.getString(2)
                            : CustomerImport.duplicate(rs.getString(3), rs.getLong(4));
                    listener.badRow("line " + rs.getLong(1) + ": " + reason);
                }
            }
        }
        return bad;
    }

    private static long apply(Connection c, String sql, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenantId);
            if (sql.equals(APPLY_INSERTS)) {
                ps.setObject(2, tenantId);
            }
            return ps.executeLargeUpdate();
        } catch (SQLException e) {
            if (Sql.isUniqueViolation(e, "customer_tenant_alias_key")) {
                throw Failure.conflict("an alias in the file was taken by another change while importing;"
                        + " nothing was imported");
            }
            throw e;
        }
    }
}
