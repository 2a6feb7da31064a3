package dev.portaltoken.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The request log's lines reach their stream whole, in order, in blocks, soon, and all of them at stop. */
class BlockConsoleAppenderTest {
    /** Records what reaches it and how many writes that took; its first write can be held until released. */
    private static class Target extends OutputStream {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public synchronized void write(int b) {
            writes.incrementAndGet();
            received.write(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            writes.incrementAndGet();
            received.write(bytes, offset, length);
        }

        synchronized String text() {
            return received.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    private static BlockConsoleAppender started(Target target) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        BlockConsoleAppender appender = new BlockConsoleAppender(target);
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }

    private static LoggingEvent line(BlockConsoleAppender appender, String message) {
        LoggerContext context = (LoggerContext) appender.getContext();
        return new LoggingEvent(BlockConsoleAppenderTest.class.getName(), context.getLogger("http.request"), Level.INFO,
                message, null, null);
    }

    @Test
    void everyLineArrivesInOrderInFewerWritesThanLinesAndStopDoesNotCloseTheStream() {
        Target target = new Target();
        BlockConsoleAppender appender = started(target);
        StringBuilder expected = new StringBuilder();
        int lines = 5_000;
        for (int i = 0; i < lines; i++) {
            appender.doAppend(line(appender, "GET /healthz 200 0.1ms line=" + i));
            expected.append("GET /healthz 200 0.1ms line=").append(i).append(System.lineSeparator());
        }
        appender.stop();
        assertEquals(expected.toString(), target.text());
        assertTrue(target.writes.get() < lines / 10, "lines are written in blocks: " + target.writes.get() + " writes");
        assertFalse(target.closed.get(), "stderr stays open for the log lines written after the request log stops");
    }

    /**
     * Issue 28: a thread writing a block (here held inside the stream's first write, as a thread that loses
     * the CPU there would be) does not hold up another thread's line, which is queued and written after.
     */
    @Test
    void aLineIsAppendedWhileAnotherThreadIsWritingABlock() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Target target = new Target() {
            @Override
            public void write(byte[] bytes, int offset, int length) {
                writing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.write(bytes, offset, length);
            }
        };
        BlockConsoleAppender appender = started(target);
        StringBuilder expected = new StringBuilder();
        String padding = "x".repeat(200);
        int lines = 2 * BlockConsoleAppender.BUFFER_BYTES / padding.length();
        for (int i = 0; i < lines; i++) {
            expected.append(padding).append(' ').append(i).append(System.lineSeparator());
        }
        try {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < lines; i++) {
                    appender.doAppend(line(appender, padding + " " + i));
                }
            });
            assertTrue(writing.await(30, TimeUnit.SECONDS), "a block is being written");
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> appender.doAppend(line(appender, "another")));
            other.get(30, TimeUnit.SECONDS);
            assertEquals(1, release.getCount(), "the other line was appended while the block was still being written");
            release.countDown();
            writer.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            appender.stop();
        }
        String text = target.text();
        assertTrue(text.contains("another" + System.lineSeparator()), text.length() + " characters");
        assertEquals(expected.toString(), text.replace("another" + System.lineSeparator(), ""),
                "every line whole, each thread's in order");
    }

    @Test
    void aWaitingLineIsWrittenWithoutMoreLinesOrAStop() throws InterruptedException {
        Target target = new Target();
        BlockConsoleAppender appender = started(target);
        try {
            appender.doAppend(line(appender, "the only line"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (target.text().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(BlockConsoleAppender.FLUSH_MILLIS);
            }
            assertEquals("the only line" + System.lineSeparator(), target.text());
        } finally {
            appender.stop();
        }
    }
}
