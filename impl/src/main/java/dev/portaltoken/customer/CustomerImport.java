package dev.portaltoken.customer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.portaltoken.config.Names;
import dev.portaltoken.errors.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * Reads a customer import file: CSV whose header row names the columns {@code alias}, {@code name}
 * and {@code email} in any order (any case), one customer a row, keyed by alias. A UTF-8 byte-order
 * mark, which spreadsheet exports write, is skipped. It is streamed: one row is held at a time,
 * whatever the file's size. Each row is checked on its own; aliases repeated across rows are found
 * by {@link CustomerImporter}.
 */
public final class CustomerImport {
    static final List<String> HEADER = List.of("alias", "name", "email");
    /** How often (in records) {@link #read} reports progress. */
    static final int PROGRESS_EVERY = 1_000;
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.TRIM_SPACES).build();

    private CustomerImport() {
    }

    /** Where {@link #read} sends each row of the file, in file order. */
    interface Rows {
        /** A row that passed the checks; {@code name} and {@code email} are null when left blank. */
        void valid(long line, String alias, String name, String email) throws IOException;

        /** A bad row and why, e.g. {@code alias is required}. */
        void invalid(long line, String reason) throws IOException;
    }

    /**
     * Reads {@code csv} to its end.
     *
     * @param recordsRead told every {@value #PROGRESS_EVERY} records, and at the end, how many
     *                    records after the header have been read (blank lines included)
     * @throws Failure INVALID for an empty file or a wrong header row
     * @throws IOException  when {@code csv} cannot be read (e.g. is not valid in its charset)
     */
    static void read(Reader csv, Rows rows, LongConsumer recordsRead) throws IOException {
        long records = 0;
        try (MappingIterator<List<String>> lines = CSV.readerForListOf(String.class).readValues(withoutByteOrderMark(csv))) {
            if (!hasNext(lines)) {
                throw Failure.invalid("the file is empty; expected a header row naming the columns "
                        + String.join(", ", HEADER));
            }
            int[] at = columns(header(lines));
            while (hasNext(lines)) {
                long line = lines.getCurrentLocation().getLineNr();
                List<String> cells;
                try {
                    cells = lines.next();
                } catch (RuntimeException e) {
                    rethrowReadFailure(e);
                    cells = null;
                }
                if (++records % PROGRESS_EVERY == 0) {
                    recordsRead.accept(records);
                }
                if (cells == null) {
                    rows.invalid(line, "not valid CSV");
                } else if (cells.size() != 1 || !cells.get(0).isEmpty()) {
                    String error = check(cells, at);
                    if (error != null) {
                        rows.invalid(line, error);
                    } else {
                        rows.valid(line, cells.get(at[0]), blankToNull(cells.get(at[1])), blankToNull(cells.get(at[2])));
                    }
                }
            }
        } catch (JsonProcessingException e) {
            rows.invalid(e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "not valid CSV");
        }
        recordsRead.accept(records);
    }

    /**
     * Where each of {@link #HEADER}'s columns is in the header row, matched by name.
     *
     * @throws Failure INVALID naming every unknown, repeated and missing column
     */
    private static int[] columns(List<String> header) {
        int[] at = new int[HEADER.size()];
        java.util.Arrays.fill(at, -1);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().toLowerCase(Locale.ROOT);
            int column = HEADER.indexOf(name);
            if (column < 0) {
                problems.add("unknown column '" + header.get(i).strip() + "'" + Names.closest(name, HEADER)
                        .map(closest -> " (did you mean '" + closest + "'?)").orElse(""));
            } else if (at[column] >= 0) {
                problems.add("column '" + name + "' appears twice");
            } else {
                at[column] = i;
            }
        }
        for (int column = 0; column < HEADER.size(); column++) {
            if (at[column] < 0) {
                problems.add("missing column '" + HEADER.get(column) + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw Failure.invalid("line 1: " + String.join("; ", problems) + "; the header row names the"
                    + " columns " + String.join(", ", HEADER) + ", in any order");
        }
        return at;
    }

    /** {@code csv} after a leading U+FEFF, the byte-order mark spreadsheet exports write; unchanged without one. */
    private static Reader withoutByteOrderMark(Reader csv) throws IOException {
        PushbackReader reader = new PushbackReader(csv, 1);
        int first = reader.read();
        if (first >= 0 && first != '\uFEFF') {
            reader.unread(first);
        }
        return reader;
    }

    /** The message for a row whose alias an earlier row already has. */
    static String duplicate(String alias, long firstLine) {
        return "alias '" + alias + "' is also on line " + firstLine;
    }

    /**
     * Counts the records after the header of a CSV file quickly, without parsing it: line ends
     * outside double quotes. For progress lines; equal to what {@link #read} reports at its end
     * for any well-formed file. Empty when the file cannot be read.
     */
    public static OptionalLong countRecords(Path file) {
        long ends = 0;
        boolean quoted = false;
        int last = '\n';
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    int b = buffer[i];
                    if (b == '"') {
                        quoted = !quoted;
                    } else if (!quoted && (b == '\n' && last != '\r' || b == '\r')) {
                        ends++;
                    }
                    last = b;
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        long records = ends + (last == '\n' || last == '\r' ? 0 : 1);
        return OptionalLong.of(Math.max(0, records - 1));
    }

    private static List<String> header(MappingIterator<List<String>> lines) throws IOException {
        try {
            return lines.next();
        } catch (RuntimeException e) {
            rethrowReadFailure(e);
            throw Failure.invalid("line 1: the header row is not valid CSV");
        }
    }

    private static boolean hasNext(MappingIterator<List<String>> lines) throws IOException {
        try {
            return lines.hasNext();
        } catch (RuntimeException e) {
            rethrowReadFailure(e);
            if (e.getCause() instanceof JsonProcessingException badCsv) {
                throw badCsv; // a bad row where the next one starts: read() lists it
            }
            throw e;
        }
    }

    /** MappingIterator wraps every failure: one reading the file is thrown as such, bad CSV is left to the caller. */
    private static void rethrowReadFailure(RuntimeException e) throws IOException {
        if (e.getCause() instanceof IOException io && !(io instanceof JsonProcessingException)) {
            throw io;
        }
    }

    /** @param at where each of {@link #HEADER}'s columns is */
    private static String check(List<String> cells, int[] at) {
        if (cells.size() != HEADER.size()) {
            return "expected 3 columns, as in the header row, found " + cells.size();
        }
        return checkRow(cells.get(at[0]), cells.get(at[1]), cells.get(at[2]));
    }

    /**
     * The checks of one row, whatever its format: why it is bad, or null when it is good.
     *
     * @param name  empty or null when left blank, as {@code email}
     */
    static String checkRow(String alias, String name, String email) {
        if (alias == null || alias.isEmpty()) {
            return "alias is required";
        }
        if (name != null && name.indexOf('\0') >= 0) {
            return "name must not contain a NUL character";
        }
        if (email != null && email.indexOf('\0') >= 0) {
            return "email must not contain a NUL character";
        }
        try {
            CustomerRules.checkAlias(alias);
            if (email != null && !email.isEmpty()) {
                CustomerRules.checkEmail(email);
            }
        } catch (Failure e) {
            return e.getMessage();
        }
        return null;
    }

    static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
