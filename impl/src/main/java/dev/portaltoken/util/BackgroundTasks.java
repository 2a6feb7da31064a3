package dev.portaltoken.util;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-lived background work of a server, each on a daemon thread of its own name: periodic
 * tasks ({@link #every}), loops that own their thread ({@link #thread}) and workers that run what
 * they are handed ({@link #worker}). A {@link Lifecycle} owns one and hands it to what it starts.
 *
 * <p>Every run of a periodic task is guarded: whatever it throws, an {@link Error} such as
 * {@link OutOfMemoryError} included, is logged and the task runs again at its next time, so one
 * failed unit of work never ends the task. Should a task end anyway (a loop that returned or threw,
 * a periodic task whose guard itself failed), {@link #stopped()} names it until the process stops,
 * and readiness reports the instance not ready. Thread-safe.
 */
public final class BackgroundTasks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundTasks.class);

    /** One task: stoppable on its own (its owner's {@code close}), or with all of them. */
    public interface Task extends AutoCloseable {
        /** The name its thread carries, as {@link #stopped()} reports it. */
        String name();

        /** True when it ended without being stopped. */
        boolean ended();

        /** Stops it: a periodic task runs no more, a loop's thread is interrupted. Idempotent. */
        @Override
        void close();
    }

    private final List<Task> tasks = new ArrayList<>();
    private volatile boolean closing;

    /**
     * Runs {@code unit} every {@code interval} (measured from the end of one run to the start of the
     * next), the first time after {@code initialDelay}.
     */
    public synchronized Task every(String name, Duration initialDelay, Duration interval, Runnable unit) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        ScheduledFuture<?> future = executor.scheduleWithFixedDelay(() -> runGuarded(name, unit),
                initialDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        Task task = new Periodic(name, executor, future);
        tasks.add(task);
        return task;
    }

    /**
     * Runs {@code loop} on a thread of its own until it returns, which it should do only once its
     * thread is interrupted ({@link Task#close()}). The loop guards its own units of work; should it
     * return or throw before being stopped, the task counts as ended.
     */
    public synchronized Task thread(String name, Runnable loop) {
        Looping task = new Looping(name);
        Thread thread = new Thread(() -> {
            try {
                loop.run();
            } finally {
                task.finished = true;
                if (!task.stopping && !closing) {
                    LOG.error("background task {} ended; this instance reports not ready until restarted", name);
                }
            }
        }, name);
        thread.setDaemon(true);
        task.thread = thread;
        tasks.add(task);
        thread.start();
        return task;
    }

    /**
     * A daemon thread of its own name that runs the work handed to it, in order, until closed
     * (for work that must not wait on its caller's thread, such as a query through a busy pool).
     */
    public synchronized Worker worker(String name) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, name);
                    thread.setDaemon(true);
                    return thread;
                });
        Worker worker = new Worker(name, executor);
        tasks.add(worker);
        return worker;
    }

    /** The names of the tasks that ended without being stopped, in the order they were started. */
    public synchronized List<String> stopped() {
        List<String> names = new ArrayList<>();
        for (Task task : tasks) {
            if (task.ended()) {
                names.add(task.name());
            }
        }
        return names;
    }

    /** Stops every task, the last started first. */
    @Override
    public synchronized void close() {
        closing = true;
        for (int i = tasks.size() - 1; i >= 0; i--) {
            tasks.get(i).close();
        }
    }

    /** Runs one unit of a periodic task; nothing it throws escapes. */
    static void runGuarded(String name, Runnable unit) {
        try {
            unit.run();
        } catch (Throwable e) {
            LOG.warn("background task {} failed ({}); it runs again at its next time", name, e.toString());
        }
    }

    private static final class Periodic implements Task {
        private final String name;
        private final ScheduledThreadPoolExecutor executor;
        private final ScheduledFuture<?> future;
        private volatile boolean stopping;

        Periodic(String name, ScheduledThreadPoolExecutor executor, ScheduledFuture<?> future) {
            this.name = name;
            this.executor = executor;
            this.future = future;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean ended() {
            return !stopping && future.isDone();
        }

        @Override
        public void close() {
            stopping = true;
            executor.shutdownNow();
        }
    }

    /** A task that runs what it is handed ({@link #worker}); it never ends on its own. */
    public static final class Worker implements Task, Executor {
        private final String name;
        private final ThreadPoolExecutor executor;

        Worker(String name, ThreadPoolExecutor executor) {
            this.name = name;
            this.executor = executor;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean ended() {
            return false;
        }

        /** @throws java.util.concurrent.RejectedExecutionException once closed */
        @Override
        public void execute(Runnable work) {
            executor.execute(work);
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    private static final class Looping implements Task {
        private final String name;
        private volatile Thread thread;
        private volatile boolean finished;
        private volatile boolean stopping;

        Looping(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean ended() {
            return !stopping && finished;
        }

        @Override
        public void close() {
            stopping = true;
            Thread running = thread;
            if (running != null) {
                running.interrupt();
            }
        }
    }
}
