package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.support.Http;
import dev.portaltoken.support.JarProcess;
import dev.portaltoken.support.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load, on the packaged jar: the server stops accepting, finishes the requests in
 * flight (one of them deliberately slow, its body still arriving when the signal comes), closes
 * its pool, writes every request's log line and exits 0 within a bound. Every answer a client got is a complete, valid 200; the only
 * errors are connections the server no longer accepted or closed before taking a request.
 */
class SigtermIT {
    private static final int CLIENTS = 4;
    private static final long EXIT_BOUND_SECONDS = 20;

    private record Outcome(Http.Reply reply, Throwable error) {
    }

    @Test
    void sigtermFinishesInFlightRequestsAndExitsZero(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of();
        String dir = dataDir.toString();
        try (JarProcess.Server server = JarProcess.Server.start(env, "--port", "0", "--host", "127.0.0.1", "--data-dir", dir)) {
            assertEquals(0, JarProcess.run(env, "tenant", "create", "--slug", "acme", "--data-dir", dir).exit());
            JarProcess.Result keyResult = JarProcess.run(env, "api-key", "create", "--tenant", "acme", "--data-dir", dir);
            assertEquals(0, keyResult.exit(), "api-key create failed");
            String key = keyResult.lastLine();
            String customer = JarProcess.run(env, "customer", "create", "--tenant", "acme", "--data-dir", dir).lastLine();
            URI base = server.baseUri();
            Http probe = new Http(base);
            assertEquals(200, probe.mint(key, customer, null).status());
            OctetKeyPair publicKey = (OctetKeyPair) Tokens.jwks(probe).getKeys().get(0);

            ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger okBeforeSignal = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS + 1);
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                Http http = new Http(base); // a client (and connection pool) per thread
                loops.add(clients.submit(() -> {
                    while (running.get()) {
                        try {
                            Http.Reply reply = http.mint(key, customer, "{\"expires_in_seconds\": 600}");
                            outcomes.add(new Outcome(reply, null));
                            okBeforeSignal.incrementAndGet();
                        } catch (UncheckedIOException e) {
                            outcomes.add(new Outcome(null, e.getCause()));
                            pause();
                        } catch (Throwable e) {
                            outcomes.add(new Outcome(null, e));
                            pause();
                        }
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (okBeforeSignal.get() < 50 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(okBeforeSignal.get() >= 50, "the load is running: " + okBeforeSignal.get() + " mints");

            // A request in flight across the signal: headers and half the body now, the rest after SIGTERM.
            CountDownLatch halfSent = new CountDownLatch(1);
            CountDownLatch signalled = new CountDownLatch(1);
            Future<String> slow = clients.submit(() -> slowRequest(base, key, customer, halfSent, signalled));
            assertTrue(halfSent.await(10, TimeUnit.SECONDS), "the slow request started");
            Thread.sleep(200); // the server has the request head and is reading its body

            long signalAt = System.nanoTime();
            server.sigterm();
            signalled.countDown();
            boolean exited = server.process().waitFor(EXIT_BOUND_SECONDS, TimeUnit.SECONDS);
            double exitSeconds = (System.nanoTime() - signalAt) / 1e9;
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(30, TimeUnit.SECONDS);
            }
            String slowAnswer = slow.get(30, TimeUnit.SECONDS);
            clients.shutdownNow();

            assertTrue(exited, "the server exits within " + EXIT_BOUND_SECONDS + " s of SIGTERM");
            assertEquals(0, server.process().exitValue(), "exit status after SIGTERM");
            System.out.printf("SIGTERM: exit 0 after %.1f s; %d answers, %d connection errors%n", exitSeconds,
                    outcomes.stream().filter(o -> o.reply() != null).count(),
                    outcomes.stream().filter(o -> o.error() != null).count());

            assertTrue(slowAnswer.startsWith("HTTP/1.1 200"), "the request in flight at SIGTERM was finished: "
                    + slowAnswer.lines().findFirst().orElse("<nothing>"));
            String slowToken = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(slowAnswer.substring(slowAnswer.indexOf("\r\n\r\n") + 4)).get("token").asText();
            assertTrue(SignedJWT.parse(slowToken).verify(new Ed25519Verifier(publicKey)), "its token verifies");

            assertThrows(ConnectException.class, () -> new Socket(base.getHost(), base.getPort()).close(),
                    "the port no longer accepts connections");
            long logDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!server.output().contains("GracefulShutdown - stopped") && System.nanoTime() < logDeadline) {
                Thread.sleep(50); // the last lines may still be in the pipe
            }
            assertTrue(server.output().contains("GracefulShutdown - stopped"), "the shutdown was logged as complete");

            int ok = 0;
            List<String> violations = new ArrayList<>();
            for (Outcome outcome : outcomes) {
                if (outcome.reply() != null) {
                    Http.Reply reply = outcome.reply();
                    assertEquals(200, reply.status(), reply::toString);
                    SignedJWT jwt = SignedJWT.parse(reply.json().get("token").asText()); // a complete body
                    assertTrue(jwt.verify(new Ed25519Verifier(publicKey)), "a complete, valid token");
                    assertEquals(customer, jwt.getJWTClaimsSet().getSubject());
                    ok++;
                } else if (!isConnectionLevel(outcome.error())) {
                    violations.add(String.valueOf(outcome.error()));
                }
            }
            assertTrue(ok >= 50, "answers received: " + ok);
            long logged = server.output().lines()
                    .filter(l -> l.contains(" http.request - POST /api/v1/customers/{id_or_alias}/portal-token 200 ")).count();
            assertTrue(logged >= ok + 2, "the request log (written asynchronously) lost no line at shutdown: " + logged
                    + " lines for " + (ok + 2) + " tokens answered");
            assertTrue(violations.isEmpty(), () -> violations.size() + " requests failed otherwise than by a refused or"
                    + " reset connection; the first: " + violations.get(0));
        }
    }

    private static void pause() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Refused, reset or closed before a response: the request was never taken by the server. */
    private static boolean isConnectionLevel(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.net.http.HttpTimeoutException) {
                return false;
            }
            if (t instanceof ConnectException || t instanceof java.net.SocketException
                    || t instanceof java.io.EOFException || (t instanceof IOException && t.getMessage() != null
                    && (t.getMessage().contains("closed") || t.getMessage().contains("reset")
                    || t.getMessage().contains("received no bytes")))) {
                return true;
            }
        }
        return false;
    }

    private static String slowRequest(URI base, String key, String customer, CountDownLatch halfSent,
                                      CountDownLatch signalled) {
        String body = "{\"expires_in_seconds\": 900}";
        String head = "POST /api/v1/customers/" + customer + "/portal-token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write((head + body.substring(0, 10)).getBytes(StandardCharsets.UTF_8));
            out.flush();
            halfSent.countDown();
            signalled.await(30, TimeUnit.SECONDS);
            Thread.sleep(500);
            out.write(body.substring(10).getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "no answer: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
