package dev.portaltoken.server;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.portaltoken.config.LogFormat;
import org.slf4j.LoggerFactory;

/**
 * The server's logging: the console log as plain text or one JSON object per line
 * ({@code --log-format json}), and the request log ({@code http.request}, a line per request)
 * written asynchronously.
 *
 * <p>A request thread only hands its line to a queue; one thread formats and writes the lines, so
 * request threads never format, write or wait on the console's lock. Nothing is dropped: a full
 * queue makes request threads wait rather than lose lines, lines of every level are kept, and
 * {@link #flush()} writes what is queued before the server exits. Every other log line is written
 * synchronously, as it happens.
 */
public final class LogSetup {
    static final String REQUEST_LOGGER = "http.request";
    private static final int QUEUE_LINES = 8192;
    private static final int FLUSH_MILLIS = 10_000;

    private LogSetup() {
    }

    /** Sets the console format and routes the request log through its queue. Call once, before serving. */
    public static void apply(LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        String pattern = root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> plain
                && plain.getEncoder() instanceof PatternLayoutEncoder encoder ? encoder.getPattern() : null;
        if (format == LogFormat.JSON || pattern == null) {
            root.detachAndStopAllAppenders();
            root.addAppender(console(context, "JSON", null));
        }
        // Its own console appender: the queue stops the appender it writes to when it is flushed.
        Appender<ILoggingEvent> console = console(context, "REQUESTS-CONSOLE", format == LogFormat.JSON ? null : pattern);
        AsyncAppender requests = new AsyncAppender();
        requests.setContext(context);
        requests.setName("REQUESTS");
        requests.setQueueSize(QUEUE_LINES);
        requests.setDiscardingThreshold(0);
        requests.setNeverBlock(false);
        requests.setMaxFlushTime(FLUSH_MILLIS);
        requests.addAppender(console);
        requests.start();
        Logger requestLog = context.getLogger(REQUEST_LOGGER);
        requestLog.detachAndStopAllAppenders();
        requestLog.addAppender(requests);
        requestLog.setAdditive(false);
    }

    /** Writes every queued request log line (waiting up to 10 s); the request log is synchronous afterwards. */
    public static void flush() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger requestLog = context.getLogger(REQUEST_LOGGER);
        if (requestLog.getAppender("REQUESTS") instanceof AsyncAppender requests) {
            requestLog.setAdditive(true);
            requestLog.detachAppender(requests);
            requests.stop();
        }
    }

    /** A console appender on stderr: {@code pattern} lines, or JSON lines when it is null. */
    private static Appender<ILoggingEvent> console(LoggerContext context, String name, String pattern) {
        Encoder<ILoggingEvent> encoder;
        if (pattern == null) {
            JsonEncoder json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithMessage(false);
            encoder = json;
        } else {
            PatternLayoutEncoder plain = new PatternLayoutEncoder();
            plain.setPattern(pattern);
            encoder = plain;
        }
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
