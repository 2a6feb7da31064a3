package dev.portaltoken.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.TestJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start phase and the ordered stop of {@link Lifecycle}. */
class LifecycleTest {
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** A component that records its start and close, and runs one periodic task while started. */
    private final class Component implements Managed {
        private final String name;
        private volatile BackgroundTasks.Task task;

        Component(String name) {
            this.name = name;
        }

        @Override
        public void start(BackgroundTasks tasks) {
            events.add("start " + name);
            task = tasks.every(name + "-task", Duration.ofMillis(1), Duration.ofMillis(1), () -> { });
        }

        @Override
        public void close() {
            events.add("close " + name);
            task.close();
        }
    }

    @Test
    void componentsStartInOrderOnTheHandedOutTasksAndCloseInReverseBeforeTheTasks() throws Exception {
        Lifecycle lifecycle = new Lifecycle();
        lifecycle.add(() -> events.add("close plain"));
        Component first = lifecycle.start(new Component("first"));
        lifecycle.start(new Component("second"));
        assertEquals(List.of("start first", "start second"), events);
        assertTrue(threadNamed("first-task"), "the task runs on a thread of the name it was given");
        BackgroundTasks.Task orphan = lifecycle.tasks().every("orphan", Duration.ofMillis(1), Duration.ofMillis(1), () -> { });

        lifecycle.close();
        assertEquals(List.of("start first", "start second", "close second", "close first", "close plain"), events);
        assertFalse(orphan.ended(), "a task stopped by the lifecycle did not end by itself");
        assertTrue(first.task != null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((threadNamed("orphan") || threadNamed("first-task")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertFalse(threadNamed("orphan"), "the lifecycle's tasks end after the components");
        lifecycle.close();
        assertEquals(5, events.size(), "closed exactly once");
    }

    @Test
    void aFailureToCloseOneThingStillClosesTheRest() {
        Lifecycle lifecycle = new Lifecycle();
        lifecycle.add(() -> events.add("close first"));
        lifecycle.add(() -> {
            throw new IllegalStateException("broken");
        });
        lifecycle.close();
        assertEquals(List.of("close first"), events);
    }

    @Test
    void whatStartsAfterTheLifecycleClosedIsClosedAtOnceAndRefused() {
        Lifecycle lifecycle = new Lifecycle();
        lifecycle.close();
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> lifecycle.add(() -> events.add("closed late")));
        assertTrue(refused.getMessage().startsWith("stopping: "), refused.getMessage());
        assertEquals(List.of("closed late"), events);
    }

    /** The exit hook closing while the server stops: the second closer returns only when everything is closed. */
    @Test
    void aSecondCloseReturnsOnlyOnceTheFirstHasClosedEverything() throws Exception {
        Lifecycle lifecycle = new Lifecycle();
        CountDownLatch closing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        lifecycle.add(() -> events.add("close slow"));
        lifecycle.add(() -> {
            closing.countDown();
            release.await();
        });
        Thread first = new Thread(lifecycle::close, "first-closer");
        first.start();
        assertTrue(closing.await(10, TimeUnit.SECONDS));
        AtomicReference<List<String>> seenBySecond = new AtomicReference<>();
        Thread second = new Thread(() -> {
            lifecycle.close();
            seenBySecond.set(List.copyOf(events));
        }, "second-closer");
        second.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (second.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.TIMED_WAITING, second.getState(), "the second closer waits");
        release.countDown();
        second.join(10_000);
        first.join(10_000);
        assertEquals(List.of("close slow"), seenBySecond.get());
    }

    /** A separate JVM: its exit runs the exit action, which closes what was started, in order. */
    @Test
    void theJvmsExitClosesWhatWasStartedThroughTheExitAction(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("closed.txt");
        Process exiting = new ProcessBuilder(TestJvm.command(ExitingProcess.class.getName(), record.toString()))
                .redirectErrorStream(true).start();
        String output = new String(exiting.getInputStream().readAllBytes());
        assertTrue(exiting.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, exiting.exitValue(), output);
        assertEquals(List.of("exit action", "close second", "close first"), Files.readAllLines(record), output);
    }

    /** Starts a lifecycle with an exit hook, then exits without closing it. */
    static final class ExitingProcess {
        public static void main(String[] args) throws Exception {
            Path record = Path.of(args[0]);
            Lifecycle lifecycle = new Lifecycle().closeOnExit();
            lifecycle.add(() -> append(record, "close first"));
            lifecycle.add(() -> append(record, "close second"));
            lifecycle.onExit(() -> {
                append(record, "exit action");
                lifecycle.close();
            });
            System.exit(3);
        }

        private static void append(Path file, String line) {
            try {
                Files.writeString(file, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
