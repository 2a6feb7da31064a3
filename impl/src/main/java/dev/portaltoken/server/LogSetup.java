package dev.portaltoken.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.portaltoken.config.LogFormat;
import ch.qos.logback.core.Appender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Console logging set-up: one JSON object per line for a server ({@code --log-format json}), and
 * for admin commands only this application's own messages (no library warnings, no stack traces)
 * unless {@code PORTAL_LOG_LEVEL} asks for debug output.
 */
public final class LogSetup {
    /** The environment variable that sets the log level (read by {@code logback.xml}). */
    public static final String LEVEL_VARIABLE = "PORTAL_LOG_LEVEL";
    private static final String OWN_LOGGERS = "dev.portaltoken";

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

    public static void apply(LogFormat format) {
        if (format != LogFormat.JSON || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithContext(false);
        encoder.setWithArguments(false);
        encoder.setWithMessage(false);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("JSON");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
    }
}
