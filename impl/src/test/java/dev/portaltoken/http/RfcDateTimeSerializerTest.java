package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The API's mapper writes every date-time exactly as Jackson's JavaTimeModule (ISO_OFFSET_DATE_TIME) does. */
class RfcDateTimeSerializerTest {
    private static final ObjectMapper OURS = Json.mapper();
    private static final ObjectMapper JAVA_TIME = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    @Test
    void everyDateTimeIsWrittenAsJavaTimeModuleWritesIt() throws Exception {
        Random random = new Random(20261202);
        List<ZoneOffset> offsets = List.of(ZoneOffset.UTC, ZoneOffset.ofHours(2), ZoneOffset.ofHoursMinutes(-9, -30));
        int fastPath = 0;
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-70_000_000_000L, 260_000_000_000L); // years about -250 to 10200
            int nanos = random.nextInt(4) == 0 ? random.nextInt(1_000_000_000) : 0;
            ZoneOffset offset = random.nextInt(3) == 0 ? offsets.get(random.nextInt(offsets.size())) : ZoneOffset.UTC;
            OffsetDateTime time = OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos), offset);
            assertEquals(JAVA_TIME.writeValueAsString(time), OURS.writeValueAsString(time), time::toString);
            if (offset.equals(ZoneOffset.UTC) && nanos == 0 && time.getYear() >= 1000 && time.getYear() <= 9999) {
                fastPath++;
            }
        }
        assertEquals(true, fastPath > 5_000, "the digit-by-digit path was exercised " + fastPath + " times");
        for (String edge : List.of("1000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-12-02T05:04:36Z",
                "2024-02-29T12:00:00Z", "0999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z")) {
            OffsetDateTime time = OffsetDateTime.parse(edge);
            assertEquals("\"" + edge + "\"", OURS.writeValueAsString(time));
            assertEquals(JAVA_TIME.writeValueAsString(time), OURS.writeValueAsString(time));
        }
    }
}
