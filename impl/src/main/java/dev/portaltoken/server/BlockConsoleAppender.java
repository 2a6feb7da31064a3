package dev.portaltoken.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The request log's console appender: its lines go to stderr in blocks rather than with one
 * {@code write} per line, which under load cost more than everything else the request log does. A
 * block is written when {@value #BUFFER_BYTES} bytes are waiting (by the thread whose line fills
 * it), and whatever waits is written at
 * least every {@value #FLUSH_MILLIS} ms, and at {@link #stop()}: a line reaches stderr at most that
 * late, and request-log lines may therefore appear up to that much after other log lines written
 * meanwhile (their timestamps tell the order). Stopping leaves stderr open.
 *
 * <p>Why blocks, measured on the packaged jar (A/B against the previous jar, alternating rounds,
 * 32 connections, 2 cores): a {@code write} per line was the request log's largest cost, native
 * and so invisible to JFR, and writing in blocks made {@code /healthz} 30% and an EdDSA token 40%
 * faster; appending from the request threads directly, rather than handing each line to logback's
 * {@code AsyncAppender} (whose writer thread was woken for almost every line), gained another 3-8%
 * on {@code /healthz} and 4% on a token. The price is the 50 ms: a hard kill loses at most the
 * lines of its last {@value #FLUSH_MILLIS} ms ({@code jar.RequestLogKillIT}).
 *
 * <p>Thread-safe: lines are appended under the appender's write lock, which the flushing thread
 * takes as well.
 */
final class BlockConsoleAppender extends OutputStreamAppender<ILoggingEvent> {
    static final int BUFFER_BYTES = 64 * 1024;
    static final int FLUSH_MILLIS = 50;

    private final OutputStream target;
    private ScheduledExecutorService flusher;
    private volatile boolean waiting;

    /** Blocks to stderr. */
    BlockConsoleAppender() {
        this(new FileOutputStream(FileDescriptor.err));
    }

    /** Blocks to {@code target}, which {@link #stop()} flushes but does not close. */
    BlockConsoleAppender(OutputStream target) {
        this.target = target;
    }

    @Override
    public void start() {
        setImmediateFlush(false);
        setOutputStream(new BufferedOutputStream(new FilterOutputStream(target) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        }, BUFFER_BYTES));
        super.start();
        flusher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "request-log-flush");
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(this::flushWaiting, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void subAppend(ILoggingEvent event) {
        super.subAppend(event);
        waiting = true;
    }

    private void flushWaiting() {
        if (!waiting) {
            return;
        }
        streamWriteLock.lock();
        try {
            waiting = false;
            getOutputStream().flush();
        } catch (IOException e) {
            addError("could not write the request log", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    @Override
    public void stop() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        super.stop();
    }
}
