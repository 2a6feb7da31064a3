package dev.portaltoken.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundTasksTest {
    private static final Duration SOON = Duration.ofMillis(10);

    @Test
    void aPeriodicTaskOutlivesAnyFailureOfOneRun() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (BackgroundTasks tasks = new BackgroundTasks()) {
            tasks.every("flaky", SOON, SOON, () -> {
                switch (runs.incrementAndGet()) {
                    case 1 -> throw new OutOfMemoryError("Java heap space (simulated)");
                    case 2 -> throw new IllegalStateException("a bug");
                    case 3 -> throw new StackOverflowError();
                    default -> {
                    }
                }
            });
            Await.until(Duration.ofSeconds(30), "the task ran three times more after its failures", () -> runs.get() >= 6);
            assertEquals(List.of(), tasks.stopped(), "it still runs");
        }
    }

    @Test
    void aLoopThatEndsIsReportedByNameUntilTheEnd() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        try (BackgroundTasks tasks = new BackgroundTasks()) {
            tasks.every("fine", SOON, SOON, () -> { });
            tasks.thread("listener", () -> {
                failed.countDown();
                throw new OutOfMemoryError("unable to create native thread (simulated)");
            });
            tasks.thread("returns", () -> { });
            assertTrue(failed.await(30, TimeUnit.SECONDS));
            Await.until(Duration.ofSeconds(30), "both loops are reported", () -> tasks.stopped().size() == 2);
            assertEquals(List.of("listener", "returns"), tasks.stopped(), "in the order they started");
        }
    }

    @Test
    void stoppingIsNotEnding() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        BackgroundTasks tasks = new BackgroundTasks();
        BackgroundTasks.Task loop = tasks.thread("loop", () -> {
            running.countDown();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        BackgroundTasks.Task periodic = tasks.every("periodic", SOON, SOON, () -> { });
        assertTrue(running.await(30, TimeUnit.SECONDS));
        loop.close();
        periodic.close();
        Thread.sleep(100);
        assertEquals(List.of(), tasks.stopped(), "tasks stopped on purpose are not reported");
        tasks.close();
        assertEquals(List.of(), tasks.stopped());
    }
}
