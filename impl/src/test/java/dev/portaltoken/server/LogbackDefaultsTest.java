package dev.portaltoken.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Logback's configuration in code: found by logback itself, and what the XML file it replaces said. */
class LogbackDefaultsTest {
    @Test
    void logbackConfiguresItselfWithIt() {
        LoggerContext running = assertInstanceOf(LoggerContext.class, LoggerFactory.getILoggerFactory());
        ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class,
                running.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogbackDefaults.CONSOLE),
                "the service file names LogbackDefaults, and logback ran it");
        assertEquals(LogbackDefaults.PATTERN, ((PatternLayoutEncoder) console.getEncoder()).getPattern());
    }

    @Test
    void theConsoleIsStderrAndLibrariesSayOnlyWarnings() {
        LoggerContext context = new LoggerContext();
        assertEquals(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new LogbackDefaults().configure(context),
                "no logback.xml is looked for after it");
        ConsoleAppender<ILoggingEvent> console = assertInstanceOf(ConsoleAppender.class,
                context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogbackDefaults.CONSOLE));
        assertEquals("System.err", console.getTarget());
        assertEquals(true, console.isStarted());
        for (String library : new String[] {"io.zonky", "org.flywaydb", "com.zaxxer.hikari", "org.glassfish"}) {
            assertEquals(Level.WARN, context.getLogger(library).getLevel(), library);
        }
        assertEquals(Level.OFF, context.getLogger("org.postgresql.ssl.PGjdbcHostnameVerifier").getLevel());
        assertNull(context.getLogger("dev.portaltoken").getLevel(), "our own loggers follow the root's level");
        context.stop();
    }

    @Test
    void portalLogLevelSetsTheRootLevelInAnyCaseAndInfoOtherwise() {
        assertEquals(Level.INFO, LogbackDefaults.rootLevel(null));
        assertEquals(Level.DEBUG, LogbackDefaults.rootLevel("debug"));
        assertEquals(Level.WARN, LogbackDefaults.rootLevel(" WARN "));
        assertEquals(Level.TRACE, LogbackDefaults.rootLevel("Trace"));
        assertEquals(Level.INFO, LogbackDefaults.rootLevel("verbose"), "not a level: INFO, not logback's DEBUG");
        assertEquals(Level.INFO, LogbackDefaults.rootLevel(""));
    }

    @Test
    void anOperatorsOwnFileWins() {
        LoggerContext context = new LoggerContext();
        System.setProperty("logback.configurationFile", "/etc/portal-token/logback.xml");
        try {
            assertEquals(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY, new LogbackDefaults().configure(context));
            assertNull(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender(LogbackDefaults.CONSOLE));
        } finally {
            System.clearProperty("logback.configurationFile");
            context.stop();
        }
    }
}
