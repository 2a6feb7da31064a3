package dev.portaltoken.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The request log's duration reads as {@code %.1f} milliseconds always did. */
class RequestLogFilterTest {
    @Test
    void durationsAreMillisecondsWithOneDecimalRoundedHalfUp() {
        assertEquals("0.0", RequestLogFilter.millis(0));
        assertEquals("0.0", RequestLogFilter.millis(49_999));
        assertEquals("0.1", RequestLogFilter.millis(50_000));
        assertEquals("1.3", RequestLogFilter.millis(1_250_000));
        assertEquals("97.4", RequestLogFilter.millis(97_449_999));
        assertEquals("30000.0", RequestLogFilter.millis(30_000_000_000L));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long nanos = random.nextLong(60_000_000_000L);
            if (nanos % 100_000 != 50_000) { // %.1f of a double may round an exact half either way
                assertEquals(String.format(Locale.ROOT, "%.1f", nanos / 1_000_000.0), RequestLogFilter.millis(nanos),
                        nanos + " ns");
            }
        }
    }
}
