package dev.portaltoken.util;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Background schedulers that never keep the JVM alive on their own. */
public final class DaemonThreads {
    private DaemonThreads() {
    }

    /** A single-threaded scheduler whose one daemon thread is called {@code name}. */
    public static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
