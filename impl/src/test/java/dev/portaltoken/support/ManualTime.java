package dev.portaltoken.support;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock for the rate limits that moves only when the test says so. Thread-safe. */
public final class ManualTime implements TimeMeter {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

    public void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    @Override
    public long currentTimeNanos() {
        return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
        return false;
    }
}
