package dev.portaltoken.customer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.portaltoken.errors.Failure;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * Reads a customer import file: CSV with the header row {@code alias,name,email}, one customer a
 * row, keyed by alias. It is streamed: one row is held at a time, whatever the file's size. Each
 * row is checked on its own; aliases repeated across rows are found by {@link CustomerImporter}.
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
        try (MappingIterator<List<String>> lines = CSV.readerForListOf(String.class).readValues(csv)) {
            if (!hasNext(lines)) {
                throw Failure.invalid("the file is empty; expected the header row alias,name,email");
            }
            List<String> header = lines.next().stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
            if (!header.equals(HEADER)) {
                throw Failure.invalid("line 1: the header row must be alias,name,email");
            }
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
                    String error = check(cells);
                    if (error != null) {
                        rows.invalid(line, error);
                    } else {
                        rows.valid(line, cells.get(0), blankToNull(cells.get(1)), blankToNull(cells.get(2)));
                    }
                }
            }
        } catch (JsonProcessingException e) {
            rows.invalid(e.getLocation() == null ? 0 : e.getLocation().getLineNr(), "not valid CSV");
        }
        recordsRead.accept(records);
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

    private static boolean hasNext(MappingIterator<List<String>> lines) throws IOException {
        try {
            return lines.hasNext();
        } catch (RuntimeException e) {
            rethrowReadFailure(e);
            throw e;
        }
    }

    /** MappingIterator wraps every failure: one reading the file is thrown as such, bad CSV is left to the caller. */
    private static void rethrowReadFailure(RuntimeException e) throws IOException {
        if (e.getCause() instanceof IOException io && !(io instanceof JsonProcessingException)) {
            throw io;
        }
    }

    private static String check(List<String> cells) {
        if (cells.size() != HEADER.size()) {
            return "expected 3 columns (alias,name,email), found " + cells.size();
        }
        String alias = cells.get(0);
        if (alias.isEmpty()) {
            return "alias is required";
        }
        for (int i = 1; i < HEADER.size(); i++) {
            if (cells.get(i).indexOf('\0') >= 0) {
                return HEADER.get(i) + " must not contain a NUL character";
            }
        }
        try {
            Customers.checkAlias(alias);
            if (!cells.get(2).isEmpty()) {
                Customers.checkEmail(cells.get(2));
            }
        } catch (Failure e) {
            return e.getMessage();
        }
        return null;
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
