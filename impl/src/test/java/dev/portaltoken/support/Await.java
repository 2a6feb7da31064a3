package dev.portaltoken.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polling with a deadline, for effects that take a refresh interval to show (never a fixed sleep). */
public final class Await {
    /** Long enough for a pickup on a loaded 2-core machine, short enough to fail fast. */
    public static final Duration PICKUP = Duration.ofSeconds(20);

    private Await() {
    }

    /** Returns as soon as {@code condition} holds; fails with {@code what} after {@code timeout}. */
    public static void until(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
