package dev.portaltoken.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * Logback's configuration, written in code and found by logback through {@link java.util.ServiceLoader}
 * before it looks for a {@code logback.xml}: the console log on stderr (so that stdout carries only what
 * commands print), libraries' own chatter held back to warnings, the root level from {@code
 * PORTAL_LOG_LEVEL} (INFO when unset or not a level's name). Configuring from XML instead loads logback's
 * XML configurator and a SAX parser, about 600 classes and a fifth of a second of every launch, the
 * admin commands' included.
 *
 * <p>An operator's own file still wins: with {@code -Dlogback.configurationFile} set, this steps aside
 * and logback reads that file.
 */
public final class LogbackDefaults extends ContextAwareBase implements Configurator {
    /** The console appender's name, which {@link LogSetup} finds it by. */
    static final String CONSOLE = "STDERR";
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";
    /**
     * Libraries' loggers and their levels. The host name verifier logs an ERROR for every connection
     * to a certificate of another host, beside the failure it causes (which says as much).
     */
    private static final Map<String, Level> LIBRARIES = Map.of("io.zonky", Level.WARN, "org.flywaydb", Level.WARN,
            "com.zaxxer.hikari", Level.WARN, "org.glassfish", Level.WARN,
            "org.postgresql.ssl.PGjdbcHostnameVerifier", Level.OFF);

    /** Called by logback's {@link java.util.ServiceLoader}. */
    public LogbackDefaults() {
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(CONSOLE);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        LIBRARIES.forEach((name, level) -> context.getLogger(name).setLevel(level));
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel(System.getenv(LogSetup.LEVEL_VARIABLE)));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The level {@code PORTAL_LOG_LEVEL} names, in any case; INFO when it is null or names none. */
    static Level rootLevel(String variable) {
        return variable == null ? Level.INFO : Level.toLevel(variable.strip(), Level.INFO);
    }
}
