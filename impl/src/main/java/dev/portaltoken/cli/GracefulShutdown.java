package dev.portaltoken.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.portaltoken.server.LogSetup;
import dev.portaltoken.server.PortalTokenServer;
import java.io.OutputStream;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT stop the server in order (stop accepting, finish in-flight requests, close
 * the pool, stop the embedded PostgreSQL, write the waiting request log lines) and then exit 0.
 * Handling the signals directly, instead of in a JVM shutdown hook, makes the exit status 0 rather
 * than 143; the server's lifecycle has the process's one exit hook, which does the same for any
 * other exit.
 *
 * <p>During start-up (before {@link #install}) a signal stops the JVM at once, exiting 128 plus the
 * signal's number as a shell expects, with one line and nothing else: the lifecycle's exit hook
 * closes what start-up had started (the embedded PostgreSQL among them), and whatever start-up was
 * doing fails, which is no error to report (no log line, no stack trace). A second signal while
 * stopping changes nothing.
 */
final class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final Object LOCK = new Object();
    private static PortalTokenServer running; // guarded by LOCK
    private static boolean stopping; // guarded by LOCK

    private GracefulShutdown() {
    }

    /** From now on SIGTERM and SIGINT stop the process: quietly until {@link #install}, in order after it. */
    static void duringStartUp(PrintStream err) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> onSignal(signal, err));
        }
    }

    /** The server has started: a signal now stops it in order. */
    static void install(PortalTokenServer server) {
        synchronized (LOCK) {
            if (stopping) {
                return; // the JVM is exiting already
            }
            running = server;
        }
        server.onExit(LogSetup::flush); // any other exit: the server's one exit hook stops it in order too
    }

    /** True once a signal asked the process to stop. */
    static boolean stopping() {
        synchronized (LOCK) {
            return stopping;
        }
    }

    private static void onSignal(Signal signal, PrintStream err) {
        PortalTokenServer server;
        synchronized (LOCK) {
            if (stopping) {
                return;
            }
            stopping = true;
            server = running;
        }
        // Not a daemon (the signal-handler thread it is created from is one): the JVM must not end before it does.
        Thread stop = new Thread(server == null ? () -> abandonStartUp(signal, err) : () -> {
            LOG.info("stopping: finishing in-flight requests");
            server.close();
            LogSetup.flush(); // the request log lines still waiting
            LOG.info("stopped");
            System.exit(0);
        }, "shutdown");
        stop.setDaemon(false);
        stop.start();
    }

    private static void abandonStartUp(Signal signal, PrintStream err) {
        err.println("stopping: SIG" + signal.getName() + " during start-up");
        err.flush();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.addTurboFilter(new TurboFilter() {
                @Override
                public FilterReply decide(org.slf4j.Marker marker, ch.qos.logback.classic.Logger logger,
                                          ch.qos.logback.classic.Level level, String format, Object[] params,
                                          Throwable t) {
                    return FilterReply.DENY;
                }
            });
        }
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        System.setErr(nowhere); // uncaught exceptions of start-up's threads
        System.setOut(nowhere);
        System.exit(128 + signal.getNumber());
    }
}
