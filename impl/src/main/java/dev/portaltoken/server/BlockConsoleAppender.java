package dev.portaltoken.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>No lock per line (issue 28): a request thread encodes its line and adds it to a lock-free queue.
 * Appending every line under the appender's write lock made a lock convoy on a busy 2-core machine:
 * a thread that lost the CPU while holding it for a microsecond stalled every other request thread's
 * line (JFR, under load: 1,251 waits of 1 ms or more, mean 13 ms, in one benchmark run; see
 * bench/README.md). The queue is written, in order, under the lock, by the flushing thread, or by the
 * request thread whose line brings it to {@value #BUFFER_BYTES} bytes if no other thread is writing
 * then; only when {@value #MAX_QUEUED_BYTES} bytes wait (the writing stalls) does a request thread wait
 * for the lock, so memory stays bounded.
 *
 * <p>Thread-safe: lines are queued without a lock and written under the appender's write lock.
 */
final class BlockConsoleAppender extends OutputStreamAppender<ILoggingEvent> {
    static final int BUFFER_BYTES = 64 * 1024;
    static final int FLUSH_MILLIS = 50;
    /** Queued bytes from which a request thread waits to write them rather than queueing more. */
    static final int MAX_QUEUED_BYTES = 16 * BUFFER_BYTES;

    private final OutputStream target;
    private final ConcurrentLinkedQueue<byte[]> lines = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private ScheduledExecutorService flusher;

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

    /** Queues the encoded line; writes the queue if it reached a block and no other thread is writing it. */
    @Override
    protected void writeOut(ILoggingEvent event) {
        byte[] line = getEncoder().encode(event);
        lines.add(line);
        long queued = queuedBytes.addAndGet(line.length);
        if (queued >= MAX_QUEUED_BYTES) {
            streamWriteLock.lock();
        } else if (queued < BUFFER_BYTES || !streamWriteLock.tryLock()) {
            return;
        }
        try {
            writeQueued();
        } finally {
            streamWriteLock.unlock();
        }
    }

    private void flushWaiting() {
        if (lines.isEmpty()) {
            return;
        }
        streamWriteLock.lock();
        try {
            writeQueued();
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Writes every queued line, in order, and flushes; the caller holds the write lock. */
    private void writeQueued() {
        try {
            OutputStream out = getOutputStream();
            for (byte[] line = lines.poll(); line != null; line = lines.poll()) {
                queuedBytes.addAndGet(-line.length);
                out.write(line);
            }
            out.flush();
        } catch (IOException e) {
            addError("could not write the request log", e);
        }
    }

    @Override
    public void stop() {
        if (flusher != null) {
            flusher.shutdownNow();
        }
        flushWaiting();
        super.stop();
    }
}
