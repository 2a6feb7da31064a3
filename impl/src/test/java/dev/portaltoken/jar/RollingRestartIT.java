package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.support.Await;
import dev.portaltoken.support.DebianPostgres;
import dev.portaltoken.support.HaProxy;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.LocalServices;
import dev.portaltoken.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart behind a load balancer that does not retry: two instances of the packaged jar on
 * Debian's PostgreSQL 15 behind Debian's HAProxy (round robin, {@code GET /readyz} every second,
 * {@code retries 0}, as a Kubernetes Service), under load from clients that keep their connections.
 * Each instance in turn gets SIGTERM and is started again on its port once it has exited. With
 * {@code PORTAL_DRAIN_DELAY_SECONDS=3} (the check interval times fall, plus two intervals of margin)
 * every request gets its 200: the instance fails readiness at once, serves on while HAProxy takes it
 * out, and only then stops accepting and finishes what is in flight.
 */
class RollingRestartIT {
    private static final int CLIENTS = 4;
    private static final String DRAIN_DELAY_SECONDS = "3";

    private record Outcome(long atNanos, int status, String failure) {
    }

    @Test
    void restartingEveryInstanceInTurnBehindHaproxyLosesNoRequest(@TempDir Path dirs) throws Exception {
        List<Integer> ports = List.of(LocalServices.freePort(), LocalServices.freePort());
        try (DebianPostgres postgres = DebianPostgres.start()) {
            Map<String, String> env = new HashMap<>(postgres.env(postgres.jdbcUrl("")));
            env.put("PORTAL_KEY_ENCRYPTION_KEY", TestServer.newKeyEncryptionKey());
            env.put("PORTAL_RATE_LIMIT_PER_SECOND", "0");
            env.put("PORTAL_DRAIN_DELAY_SECONDS", DRAIN_DELAY_SECONDS);
            List<JarProcess.Server> instances = new ArrayList<>();
            try (HaProxy balancer = HaProxy.start(ports)) {
                for (int i = 0; i < ports.size(); i++) {
                    instances.add(start(env, ports.get(i), dirs.resolve("instance-" + i)));
                }
                String dir = dirs.resolve("instance-0").toString();
                assertEquals(0, JarProcess.run(env, "tenant", "create", "--slug", "acme", "--data-dir", dir).exit());
                String key = JarProcess.run(env, "api-key", "create", "--tenant", "acme", "--data-dir", dir).lastLine();
                String customer = JarProcess.run(env, "customer", "create", "--tenant", "acme", "--data-dir", dir).lastLine();
                Await.until(Duration.ofSeconds(30), "both instances in rotation", () -> balancer.instancesUp() == 2);

                ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger answered = new AtomicInteger();
                ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
                List<Future<?>> loops = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    Http http = new Http(balancer.uri()); // a client, and its kept-alive connections, per thread
                    loops.add(clients.submit(() -> {
                        while (running.get()) {
                            try {
                                Http.Reply reply = http.mint(key, customer, null);
                                outcomes.add(new Outcome(System.nanoTime(), reply.status(),
                                        reply.status() == 200 ? null : reply.toString()));
                                answered.incrementAndGet();
                            } catch (Throwable e) {
                                outcomes.add(new Outcome(System.nanoTime(), -1, e.toString()));
                            }
                        }
                    }));
                }
                Await.until(Duration.ofMinutes(1), "the load runs", () -> answered.get() >= 200);
                List<String> restarts = new ArrayList<>();
                for (int i = 0; i < instances.size(); i++) {
                    long signalled = System.nanoTime();
                    JarProcess.Server stopping = instances.get(i);
                    stopping.sigterm();
                    assertTrue(stopping.process().waitFor(60, TimeUnit.SECONDS), "instance " + i + " exits");
                    assertEquals(0, stopping.process().exitValue());
                    double exitSeconds = (System.nanoTime() - signalled) / 1e9;
                    stopping.close();
                    instances.set(i, start(env, ports.get(i), dirs.resolve("instance-" + i)));
                    int before = answered.get();
                    Await.until(Duration.ofSeconds(30), "the new instance " + i + " is in rotation and the load goes on",
                            () -> balancer.instancesUp() == 2 && answered.get() > before + 100);
                    restarts.add(String.format(java.util.Locale.ROOT, "instance %d exited %.1f s after SIGTERM", i,
                            exitSeconds));
                }
                running.set(false);
                for (Future<?> loop : loops) {
                    loop.get(60, TimeUnit.SECONDS);
                }
                clients.shutdownNow();

                List<Outcome> failed = outcomes.stream().filter(o -> o.status() != 200).toList();
                System.out.printf("rolling restart behind HAProxy (drain delay %s s): %d requests, %d failed; %s%n",
                        DRAIN_DELAY_SECONDS, outcomes.size(), failed.size(), restarts);
                assertTrue(outcomes.size() >= 400, "requests made: " + outcomes.size());
                assertTrue(failed.isEmpty(), () -> failed.size() + " of " + outcomes.size() + " requests failed; the first: "
                        + failed.get(0).failure() + "\n" + balancer.logTail());
            } finally {
                for (JarProcess.Server instance : instances) {
                    if (instance.process().isAlive()) {
                        instance.stop();
                    }
                    instance.close();
                }
            }
        }
    }

    private static JarProcess.Server start(Map<String, String> env, int port, Path dataDir) {
        return JarProcess.Server.start(env, "--port", Integer.toString(port), "--host", "127.0.0.1",
                "--data-dir", dataDir.toString());
    }
}
