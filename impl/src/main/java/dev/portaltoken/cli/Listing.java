package dev.portaltoken.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code list} command prints: aligned columns for people, or with {@code --json} one JSON
 * array of objects whose members are the columns (timestamps as ISO-8601 strings, absent values as
 * null) and nothing else. Rows are written as they come, never held: aligned columns read the rows
 * twice, once to size the columns and once to print them, so the source must give the same rows
 * both times (e.g. from one {@link dev.portaltoken.db.ReadSnapshot}).
 */
final class Listing {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String NEWLINE = System.lineSeparator();
    private static final int CHUNK = 1 << 16;

    private final List<String> columns;

    Listing(String... columns) {
        this.columns = List.of(columns);
    }

    /** Gives rows to a sink, in order; may be asked more than once and must give the same rows each time. */
    @FunctionalInterface
    interface Source {
        void rows(Sink sink);
    }

    /** Takes one row: values in column order, each a String, Boolean, Instant or null. */
    @FunctionalInterface
    interface Sink {
        void row(Object... values);
    }

    void print(PrintStream out, boolean json, Source source) {
        if (json) {
            printJson(out, source);
            return;
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = columns.get(i).length();
        }
        source.rows(values -> {
            checkArity(values);
            for (int i = 0; i < values.length; i++) {
                widths[i] = Math.max(widths[i], text(values[i]).length());
            }
        });
        StringBuilder chunk = new StringBuilder();
        line(chunk, columns.toArray(), widths);
        source.rows(values -> {
            checkArity(values);
            line(chunk, values, widths);
            if (chunk.length() >= CHUNK) {
                out.print(chunk);
                chunk.setLength(0);
            }
        });
        out.print(chunk);
        out.flush();
    }

    private void printJson(PrintStream out, Source source) {
        try (SequenceWriter array = JSON.writer().writeValuesAsArray(new PrintStreamWriter(out))) {
            source.rows(values -> {
                checkArity(values);
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < values.length; i++) {
                    row.put(columns.get(i), values[i] instanceof Instant instant ? instant.toString() : values[i]);
                }
                try {
                    array.write(row);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }

    private void checkArity(Object[] values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " values");
        }
    }

    private static void line(StringBuilder chunk, Object[] values, int[] widths) {
        for (int i = 0; i < values.length; i++) {
            String text = text(values[i]);
            chunk.append(text);
            if (i < values.length - 1) {
                chunk.append(" ".repeat(widths[i] - text.length() + 2));
            }
        }
        chunk.append(NEWLINE);
    }

    private static String text(Object value) {
        return value == null ? "-" : value.toString();
    }

    /** Text into a PrintStream, encoded by the stream's own charset as {@code print} does; closing only flushes. */
    private static final class PrintStreamWriter extends Writer {
        private final PrintStream out;

        PrintStreamWriter(PrintStream out) {
            this.out = out;
        }

        @Override
        public void write(char[] chars, int offset, int length) {
            out.print(new String(chars, offset, length));
        }

        @Override
        public void write(String text, int offset, int length) {
            out.print(text.substring(offset, offset + length));
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
