package dev.portaltoken.customer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.errors.Failure;
import dev.portaltoken.ids.CustomerIds;
import dev.portaltoken.support.Property;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading an import file row by row, and counting its records quickly for the progress line. */
class CustomerImportTest {
    private static final String ID = CustomerIds.format(new UUID(0x0123_4567_89ab_7defL, 0x8123_4567_89ab_cdefL));

    @TempDir
    Path dir;

    /** A file's text, printable in a failure report (line ends shown). */
    record CsvText(String text) {
        @Override
        public String toString() {
            return text.replace("\r", "\\r").replace("\n", "\\n\n");
        }
    }

    @Test
    void theQuickCountIsWhatTheReaderReads() {
        Property.forAll("countRecords equals the records read", 300, CustomerImportTest::csv, csv -> {
            try {
                Path file = Files.writeString(dir.resolve("count.csv"), csv.text(), StandardCharsets.UTF_8);
                assertEquals(read(csv.text()).records(), CustomerImport.countRecords(file).orElseThrow());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void rowsAreCheckedOneByOneAndProgressIsReported() throws IOException {
        StringBuilder csv = new StringBuilder("Alias , NAME,email\r\n");
        for (int i = 0; i < 2_500; i++) {
            csv.append("a-").append(i).append(",\"Name, ").append(i).append("\",\r\n");
        }
        csv.append("\r\nbad alias,x,\r\nok,\"two\nlines\",x@y.example\r\n" + ID + ",,\r\n"
                + "nul,\"a\0b\",\r\n,,\r\nshort,row\r\n");
        Read read = read(csv.toString());
        assertEquals(2_501, read.valid().size());
        assertEquals("2:a-0|Name, 0|null", read.valid().get(0));
        assertEquals("2504:ok|two\nlines|x@y.example", read.valid().get(2_500));
        assertEquals(List.of("2503:alias must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ @ : + -",
                "2506:alias '" + ID + "' has the form of a customer id; choose another",
                "2507:name must not contain a NUL character", "2508:alias is required",
                "2509:expected 3 columns, as in the header row, found 2"), read.invalid());
        assertEquals(List.of(1_000L, 2_000L, 2_507L), read.progress(), "every 1000 records, then the total");
    }

    @Test
    void anEmptyFileOrAWrongHeaderIsRefusedBeforeAnyRow() {
        assertTrue(assertThrows(Failure.class, () -> read("")).getMessage().contains("the file is empty"));
        assertEquals("line 1: unknown column 'e-mail' (did you mean 'email'?); unknown column 'phone'; missing column"
                + " 'email'; the header row names the columns alias, name, email, in any order",
                assertThrows(Failure.class, () -> read("alias,name,e-mail,phone\na,b,c,d\n")).getMessage());
        assertEquals("line 1: column 'alias' appears twice; missing column 'name'; the header row names the columns"
                + " alias, name, email, in any order",
                assertThrows(Failure.class, () -> read("alias,email,Alias\na,b,c\n")).getMessage());
    }

    /** Columns are matched by name, in any order; the byte-order mark a spreadsheet export writes is skipped. */
    @Test
    void columnsInAnyOrderAndAByteOrderMarkAreRead() throws IOException {
        Read reordered = read("\uFEFFEmail,alias,Name\r\nx@y.example,first,First One\r\n,second,\r\n");
        assertEquals(List.of("2:first|First One|x@y.example", "3:second|null|null"), reordered.valid());
        assertEquals(List.of(), reordered.invalid());
        Read quoted = read("\uFEFF\"alias\",\"name\",\"email\"\na,b,\n");
        assertEquals(List.of("2:a|b|null"), quoted.valid(), "a mark before a quoted header cell too");
        assertEquals(List.of("2:alias must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ @ : + -"),
                read("alias,name,email\n\uFEFFa,b,\n").invalid(), "only the file's first character is skipped");
    }

    private record Read(List<String> valid, List<String> invalid, List<Long> progress) {
        long records() {
            return progress.get(progress.size() - 1);
        }
    }

    private static Read read(String csv) throws IOException {
        List<String> valid = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        List<Long> progress = new ArrayList<>();
        CustomerImport.read(new StringReader(csv), new CustomerImport.Rows() {
            @Override
            public void valid(long line, String alias, String name, String email) {
                valid.add(line + ":" + alias + "|" + name + "|" + email);
            }

            @Override
            public void invalid(long line, String reason) {
                invalid.add(line + ":" + reason);
            }
        }, progress::add);
        return new Read(valid, invalid, progress);
    }

    /** Well-formed CSV: quoted cells with commas, quotes and line ends, blank lines, LF or CRLF, with or without a last line end. */
    private static CsvText csv(Random random) {
        String end = random.nextBoolean() ? "\n" : "\r\n";
        StringBuilder text = new StringBuilder("alias,name,email").append(end);
        int rows = random.nextInt(30);
        for (int r = 0; r < rows; r++) {
            if (random.nextInt(8) == 0) {
                text.append(end);
                continue;
            }
            text.append("c").append(r).append(',');
            text.append(switch (random.nextInt(4)) {
                case 0 -> "plain";
                case 1 -> "\"with, comma\"";
                case 2 -> "\"two" + end + "lines\"";
                default -> "\"say \"\"hi\"\"\"";
            });
            text.append(",x").append(r).append("@example.com").append(end);
        }
        if (random.nextBoolean()) {
            text.setLength(text.length() - end.length());
        }
        return new CsvText(text.toString());
    }
}
