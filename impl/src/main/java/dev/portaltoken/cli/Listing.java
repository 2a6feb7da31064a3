package dev.portaltoken.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@code list} command prints: aligned columns for people, or with {@code --json} one JSON
 * array of objects whose members are the columns (timestamps as ISO-8601 strings, absent values as
 * null) and nothing else.
 */
final class Listing {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<String> columns;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    Listing(String... columns) {
        this.columns = List.of(columns);
    }

    /** Adds a row; values in column order, each a String, Boolean, Instant or null. */
    Listing row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException("expected " + columns.size() + " values");
        }
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            row.put(columns.get(i), values[i] instanceof Instant instant ? instant.toString() : values[i]);
        }
        rows.add(row);
        return this;
    }

    void print(PrintStream out, boolean json) {
        if (json) {
            try {
                out.println(JSON.writeValueAsString(rows));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = columns.get(i).length();
            for (Map<String, Object> row : rows) {
                widths[i] = Math.max(widths[i], text(row.get(columns.get(i))).length());
            }
        }
        out.println(line(columns.stream().map(c -> (Object) c).toList(), widths));
        for (Map<String, Object> row : rows) {
            out.println(line(new ArrayList<>(row.values()), widths));
        }
    }

    private static String line(List<Object> values, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            String text = text(values.get(i));
            line.append(text);
            if (i < values.size() - 1) {
                line.append(" ".repeat(widths[i] - text.length() + 2));
            }
        }
        return line.toString();
    }

    private static String text(Object value) {
        return value == null ? "-" : value.toString();
    }
}
