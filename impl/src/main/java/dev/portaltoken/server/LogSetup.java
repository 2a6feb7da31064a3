package dev.portaltoken.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.portaltoken.config.LogFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Logging set-up. For a server: the console log as plain text or one JSON object per line
 * ({@code --log-format json}), and the request log ({@code http.request}, a line per request)
 * written in blocks. For admin commands: only this application's own messages (no library
 * warnings, no stack traces) unless {@code PORTAL_LOG_LEVEL} asks for debug output.
 *
 * <p>A request thread formats its line and appends it to a block in memory ({@link
 * BlockConsoleAppender}); blocks reach stderr when full, at least every 50 ms, and at {@link #flush()}.
 * No thread is woken per line: handing lines to a queue and a writer thread (logback's {@code
 * AsyncAppender}) cost more than formatting them, since on a busy server almost every line woke the
 * writer. Nothing is dropped: lines of every level are kept, and {@link #flush()} writes what waits
 * before the server exits. Every other log line is written synchronously, as it happens.
 */
public final class LogSetup {
    /** The environment variable that sets the log level (read by {@link LogbackDefaults}). */
    public static final String LEVEL_VARIABLE = "PORTAL_LOG_LEVEL";
    static final String REQUEST_LOGGER = "http.request";
    private static final String OWN_LOGGERS = "dev.portaltoken";
    private static final String REQUESTS = "REQUESTS";

    private LogSetup() {
    }

    /**
     * For an admin command: its failures are one line on stderr, so the libraries' own reports of
     * them (a pool marking a connection broken, with its stack trace) are not printed, unless
     * {@code PORTAL_LOG_LEVEL} is {@code debug} or {@code trace}, which prints everything, the
     * command's failure with its stack trace included.
     */
    public static void commandLine(Map<String, String> env) {
        String level = env.getOrDefault(LEVEL_VARIABLE, "");
        if (level.equalsIgnoreCase("debug") || level.equalsIgnoreCase("trace")
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger own = context.getLogger(OWN_LOGGERS);
        List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
        root.iteratorForAppenders().forEachRemaining(appenders::add);
        for (Appender<ILoggingEvent> appender : appenders) {
            own.addAppender(appender);
            root.detachAppender(appender);
        }
        own.setAdditive(false);
    }

    /** Sets the console format and gives the request log its block appender. Call once, before serving. */
    public static void apply(LogFormat format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        String pattern = root.getAppender(LogbackDefaults.CONSOLE) instanceof ConsoleAppender<ILoggingEvent> plain
                && plain.getEncoder() instanceof PatternLayoutEncoder encoder ? encoder.getPattern() : null;
        if (format == LogFormat.JSON || pattern == null) {
            root.detachAndStopAllAppenders();
            ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
            stderr.setTarget("System.err");
            root.addAppender(console(context, "JSON", null, stderr));
        }
        Appender<ILoggingEvent> requests = console(context, REQUESTS, format == LogFormat.JSON ? null : pattern,
                new BlockConsoleAppender());
        Logger requestLog = context.getLogger(REQUEST_LOGGER);
        requestLog.detachAndStopAllAppenders();
        requestLog.addAppender(requests);
        requestLog.setAdditive(false);
    }

    /** Writes every request log line still waiting; the request log is written line by line afterwards. */
    public static void flush() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger requestLog = context.getLogger(REQUEST_LOGGER);
        Appender<ILoggingEvent> requests = requestLog.getAppender(REQUESTS);
        if (requests != null) {
            requestLog.setAdditive(true);
            requestLog.detachAppender(requests);
            requests.stop();
        }
    }

    /** {@code appender}, started: {@code pattern} lines, or JSON lines when it is null. */
    private static Appender<ILoggingEvent> console(LoggerContext context, String name, String pattern,
                                                   OutputStreamAppender<ILoggingEvent> appender) {
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
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
