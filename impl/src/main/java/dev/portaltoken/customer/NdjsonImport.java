package dev.portaltoken.customer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.portaltoken.config.Names;
import java.io.IOException;
import java.io.Reader;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Reads a customer import as NDJSON: one JSON object a line, with the fields {@code alias}
 * (required), {@code name} and {@code email}, each a string or null; blank lines are skipped. Each
 * line is read and checked on its own, so a malformed line is one bad row and the lines after it are
 * still read. Streamed: one line is held at a time, and a line longer than {@link #MAX_LINE_CHARS}
 * is a bad row without being held whole. Rows go to the same {@link CustomerImport.Rows} as CSV rows.
 */
final class NdjsonImport {
    /** The longest line read; a customer's fields are far shorter. */
    static final int MAX_LINE_CHARS = 64 * 1024;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private NdjsonImport() {
    }

    /**
     * Reads {@code ndjson} to its end.
     *
     * @param recordsRead told every {@value CustomerImport#PROGRESS_EVERY} lines, and at the end, how
     *                    many lines have been read (blank ones included)
     * @throws IOException when {@code ndjson} cannot be read (e.g. is not valid in its charset)
     */
    static void read(Reader ndjson, CustomerImport.Rows rows, LongConsumer recordsRead) throws IOException {
        Lines lines = new Lines(ndjson);
        long line = 0;
        for (String text = lines.next(); text != null; text = lines.next()) {
            if (++line % CustomerImport.PROGRESS_EVERY == 0) {
                recordsRead.accept(line);
            }
            if (lines.tooLong) {
                rows.invalid(line, "line is longer than " + MAX_LINE_CHARS + " characters");
            } else if (!text.isBlank()) {
                row(line, line == 1 && text.startsWith("\uFEFF") ? text.substring(1) : text, rows);
            }
        }
        recordsRead.accept(line);
    }

    private static void row(long line, String text, CustomerImport.Rows rows) throws IOException {
        JsonNode object;
        try {
            object = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            rows.invalid(line, "not valid JSON");
            return;
        }
        if (object == null || !object.isObject()) {
            rows.invalid(line, "expected a JSON object with the fields " + String.join(", ", CustomerImport.HEADER));
            return;
        }
        String[] values = new String[CustomerImport.HEADER.size()];
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            int at = CustomerImport.HEADER.indexOf(field.getKey());
            if (at < 0) {
                rows.invalid(line, "unknown field '" + field.getKey() + "'" + Names.closest(field.getKey(),
                        CustomerImport.HEADER).map(closest -> " (did you mean '" + closest + "'?)").orElse(""));
                return;
            }
            if (!field.getValue().isTextual() && !field.getValue().isNull()) {
                rows.invalid(line, field.getKey() + " must be a string");
                return;
            }
            values[at] = field.getValue().isNull() ? null : field.getValue().textValue();
        }
        String error = CustomerImport.checkRow(values[0], values[1], values[2]);
        if (error != null) {
            rows.invalid(line, error);
        } else {
            rows.valid(line, values[0], CustomerImport.blankToNull(values[1]), CustomerImport.blankToNull(values[2]));
        }
    }

    /** The lines of a reader, {@code \n} or {@code \r\n} ended, each cut at {@link #MAX_LINE_CHARS}. Not thread-safe. */
    private static final class Lines {
        private final Reader in;
        private final char[] buffer = new char[1 << 14];
        private final StringBuilder line = new StringBuilder();
        private int at;
        private int end;
        /** Whether the line {@link #next} gave last was cut (its text is then incomplete). */
        boolean tooLong;

        Lines(Reader in) {
            this.in = in;
        }

        /** The next line without its end; null at the end of the input. */
        String next() throws IOException {
            line.setLength(0);
            tooLong = false;
            boolean any = false;
            while (true) {
                if (at == end) {
                    end = in.read(buffer);
                    at = 0;
                    if (end <= 0) {
                        end = 0;
                        return any ? text() : null;
                    }
                }
                any = true;
                char ch = buffer[at++];
                if (ch == '\n') {
                    return text();
                }
                if (line.length() < MAX_LINE_CHARS) {
                    line.append(ch);
                } else if (ch != '\r') {
                    tooLong = true;
                }
            }
        }

        private String text() {
            int length = line.length();
            return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
        }
    }
}
