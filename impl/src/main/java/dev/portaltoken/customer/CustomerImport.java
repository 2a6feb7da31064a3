package dev.portaltoken.customer;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.portaltoken.errors.ApiException;
import dev.portaltoken.ids.Uuids;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a customer import file: CSV with the header row {@code alias,name,email}, one customer a
 * row, keyed by alias. Every bad row is reported with its line number; a file with any bad row is
 * imported not at all.
 */
public final class CustomerImport {
    static final List<String> HEADER = List.of("alias", "name", "email");
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.TRIM_SPACES).build();

    private CustomerImport() {
    }

    /** A read file: its valid rows and, one per bad row, a message starting with its line number. */
    public record Parsed(List<CustomerRepository.ImportRow> rows, List<String> errors) {
    }

    public static Parsed read(Reader csv) throws IOException {
        List<CustomerRepository.ImportRow> rows = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Map<String, Long> seen = new HashMap<>();
        try (MappingIterator<List<String>> lines = CSV.readerForListOf(String.class).readValues(csv)) {
            if (!lines.hasNext()) {
                throw ApiException.badRequest("the file is empty; expected the header row alias,name,email");
            }
            List<String> header = lines.next().stream().map(h -> h.strip().toLowerCase(java.util.Locale.ROOT)).toList();
            if (!header.equals(HEADER)) {
                throw ApiException.badRequest("line 1: the header row must be alias,name,email");
            }
            while (lines.hasNext()) {
                long line = lines.getCurrentLocation().getLineNr();
                List<String> cells;
                try {
                    cells = lines.next();
                } catch (RuntimeException e) {
                    errors.add("line " + line + ": not valid CSV");
                    continue;
                }
                if (cells.size() == 1 && cells.get(0).isEmpty()) {
                    continue;
                }
                String error = check(cells, seen, line);
                if (error != null) {
                    errors.add("line " + line + ": " + error);
                    continue;
                }
                seen.put(cells.get(0), line);
                rows.add(new CustomerRepository.ImportRow(Uuids.v7(), cells.get(0), blankToNull(cells.get(1)),
                        blankToNull(cells.get(2))));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            errors.add("line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ": not valid CSV");
        }
        return new Parsed(rows, errors);
    }

    private static String check(List<String> cells, Map<String, Long> seen, long line) {
        if (cells.size() != HEADER.size()) {
            return "expected 3 columns (alias,name,email), found " + cells.size();
        }
        String alias = cells.get(0);
        if (alias.isEmpty()) {
            return "alias is required";
        }
        try {
            Customers.checkAlias(alias);
            if (!cells.get(2).isEmpty()) {
                Customers.checkEmail(cells.get(2));
            }
        } catch (ApiException e) {
            return e.getMessage();
        }
        Long first = seen.get(alias);
        return first == null ? null : "alias '" + alias + "' is also on line " + first;
    }

    private static String blankToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
