package dev.portaltoken.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.portaltoken.support.Property;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The streaming listing prints exactly what the listing that held every row printed (its code is
 * kept below as the oracle), for random rows of every value kind.
 */
class ListingTest {
    private static final String[] COLUMNS = {"id", "alias", "name", "created", "archived", "flag"};
    private static final String[] TEXTS = {"", "a", "Zoë Ångström", "emoji \uD83D\uDE80 here", "tab\tand\nnewline",
            "quote \" and \\ backslash", "x".repeat(70), "日本語の名前"};

    @Test
    void plainAndJsonAreWhatTheWholeListPrinted() {
        Property.forAll("listing matches the held listing", 300, ListingTest::rows, rows -> {
            for (Charset charset : List.of(StandardCharsets.UTF_8, StandardCharsets.US_ASCII)) {
                for (boolean json : new boolean[] {false, true}) {
                    assertEquals(held(rows, json, charset), streamed(rows, json, charset),
                            (json ? "json" : "plain") + " in " + charset);
                }
            }
        });
    }

    @Test
    void anEmptyListingIsTheHeaderOrAnEmptyArray() {
        assertEquals(held(List.of(), false, StandardCharsets.UTF_8), streamed(List.of(), false, StandardCharsets.UTF_8));
        assertEquals("[ ]" + System.lineSeparator(), streamed(List.of(), true, StandardCharsets.UTF_8));
    }

    @Test
    void plainReadsTheRowsTwiceAndJsonOnce() throws Exception {
        List<List<Object>> rows = rows(new Random(7));
        for (boolean json : new boolean[] {false, true}) {
            AtomicInteger passes = new AtomicInteger();
            new Listing(COLUMNS).print(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), json,
                    sink -> {
                        passes.incrementAndGet();
                        rows.forEach(row -> sink.row(row.toArray()));
                    });
            assertEquals(json ? 1 : 2, passes.get());
        }
    }

    @Test
    void aRowOfTheWrongLengthIsRefused() {
        for (boolean json : new boolean[] {false, true}) {
            assertThrows(IllegalArgumentException.class, () -> new Listing("a", "b").print(
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), json, sink -> sink.row("x")));
        }
    }

    private static List<List<Object>> rows(Random random) {
        int count = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt(40);
        List<List<Object>> rows = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            Object[] row = new Object[COLUMNS.length];
            row[0] = "cus_" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
            row[1] = random.nextInt(5) == 0 ? null : TEXTS[random.nextInt(TEXTS.length)];
            row[2] = random.nextInt(5) == 0 ? null : TEXTS[random.nextInt(TEXTS.length)] + random.nextInt(1000);
            row[3] = instant(random);
            row[4] = random.nextBoolean() ? null : instant(random);
            row[5] = random.nextInt(3) == 0 ? null : random.nextBoolean();
            rows.add(Arrays.asList(row));
        }
        return rows;
    }

    /** Instants whose text has 0, 3, 6 or 9 fraction digits, as PostgreSQL timestamps give. */
    private static Instant instant(Random random) {
        long nanos = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000L;
            case 2 -> random.nextInt(1_000_000) * 1_000L;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), nanos);
    }

    private static String streamed(List<List<Object>> rows, boolean json, Charset charset) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, charset)) {
            new Listing(COLUMNS).print(out, json, sink -> rows.forEach(row -> sink.row(row.toArray())));
        }
        return bytes.toString(charset);
    }

    /** What the listing printed before it streamed: every row held, then printed. */
    private static String held(List<List<Object>> rows, boolean json, Charset charset) {
        List<Map<String, Object>> held = new ArrayList<>();
        for (List<Object> values : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < values.size(); i++) {
                row.put(COLUMNS[i], values.get(i) instanceof Instant instant ? instant.toString() : values.get(i));
            }
            held.add(row);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, charset)) {
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(held));
            } else {
                int[] widths = new int[COLUMNS.length];
                for (int i = 0; i < widths.length; i++) {
                    widths[i] = COLUMNS[i].length();
                    for (Map<String, Object> row : held) {
                        widths[i] = Math.max(widths[i], text(row.get(COLUMNS[i])).length());
                    }
                }
                out.println(line(List.of((Object[]) COLUMNS), widths));
                for (Map<String, Object> row : held) {
                    out.println(line(new ArrayList<>(row.values()), widths));
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError(e);
        }
        return bytes.toString(charset);
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
