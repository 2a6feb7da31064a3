package dev.portaltoken.util;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the Java heap of a short-lived admin command near a fixed budget when nobody sized it.
 *
 * <p>Left to itself, the JVM sizes its heap from the host's memory (an initial heap of 1/64 of it,
 * at most 1/4), and G1 grows its young generation with the allocation rate rather than with the
 * data kept: streaming a million rows keeps about 15 MB live yet grows the heap past 600 MB on a
 * 24 GB host. So, unless the heap was sized explicitly ({@code -Xmx}, {@code -XX:MaxRAMPercentage},
 * ...), a daemon thread checks the committed heap every {@value #CHECK_MILLIS} ms and, above the
 * budget, asks for a full collection, after which G1 gives the memory back to the system. Bulk
 * work runs in memory that does not grow with the data, so this costs an occasional collection.
 */
public final class HeapBudget {
    /** The committed heap above which a collection is requested: 96 MiB. */
    public static final long BUDGET_BYTES = 96L << 20;
    static final long CHECK_MILLIS = 100;
    private static final List<String> SIZING_OPTIONS =
            List.of("MaxHeapSize", "MaxRAM", "MaxRAMPercentage", "MaxRAMFraction");

    private HeapBudget() {
    }

    /**
     * Starts watching for the rest of the JVM's life.
     *
     * @return false (nothing started) when the heap was sized explicitly
     */
    public static boolean watchUnlessSized() {
        if (sizedExplicitly()) {
            return false;
        }
        // The process's own, for its whole life: not a component of a lifecycle.
        Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "heap-budget");
            thread.setDaemon(true);
            return thread;
        }).scheduleWithFixedDelay(() -> {
            if (Runtime.getRuntime().totalMemory() > BUDGET_BYTES) {
                System.gc();
            }
        }, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        return true;
    }

    static boolean sizedExplicitly() {
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        for (String option : SIZING_OPTIONS) {
            VMOption.Origin origin = vm.getVMOption(option).getOrigin();
            if (origin != VMOption.Origin.DEFAULT && origin != VMOption.Origin.ERGONOMIC) {
                return true;
            }
        }
        return false;
    }
}
