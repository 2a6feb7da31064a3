package dev.portaltoken.db;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Rows streamed into PostgreSQL through {@code COPY table (columns) FROM STDIN} (text format) as
 * they are written: the fastest way in, in constant memory. Not thread-safe; end with
 * {@link #finish()}, or {@link #cancel()} on failure (the connection is unusable until one of them).
 */
public final class CopyRows {
    private static final int BUFFER_BYTES = 1 << 16;

    private final PGCopyOutputStream copy;
    private final Writer out;

    private CopyRows(PGCopyOutputStream copy) {
        this.copy = copy;
        this.out = new BufferedWriter(new OutputStreamWriter(copy, StandardCharsets.UTF_8), BUFFER_BYTES);
    }

    /** @param copySql {@code COPY ... FROM STDIN}, text format */
    public static CopyRows start(Connection connection, String copySql) throws SQLException {
        return new CopyRows(new PGCopyOutputStream(connection.unwrap(PGConnection.class), copySql, BUFFER_BYTES));
    }

    /**
     * Writes one row: each field's {@code toString()}, null as SQL NULL.
     *
     * @throws IllegalArgumentException for a field with a NUL character, which PostgreSQL text cannot hold
     */
    public void row(Object... fields) throws IOException {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.write('\t');
            }
            if (fields[i] == null) {
                out.write("\\N");
            } else {
                write(fields[i].toString());
            }
        }
        out.write('\n');
    }

    /** Ends the COPY. @return the rows PostgreSQL took */
    public long finish() throws IOException, SQLException {
        out.flush();
        copy.flush();
        return copy.endCopy();
    }

    /** Abandons the COPY, if still in progress, so the connection can roll back; never throws. */
    public void cancel(Throwable failure) {
        if (copy.isActive()) {
            try {
                copy.cancelCopy();
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private void write(String text) throws IOException {
        int plain = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            String escaped = switch (ch) {
                case '\\' -> "\\\\";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\0' -> throw new IllegalArgumentException("a NUL character cannot be stored");
                default -> null;
            };
            if (escaped != null) {
                out.write(text, plain, i - plain);
                out.write(escaped);
                plain = i + 1;
            }
        }
        out.write(text, plain, text.length() - plain);
    }
}
