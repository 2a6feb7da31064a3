package dev.portaltoken.jar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.SignedJWT;
import dev.portaltoken.support.Await;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM under load, on the packaged jar: the server stops accepting, finishes the requests in
 * flight (one of them deliberately slow, its body still arriving when the signal comes), closes
 * its pool, writes every request's log line and exits 0 within a bound. Every answer a client got is a complete, valid 200 (checked
 * against the OpenAPI documents, the slow one too); the only errors are connections the server no
 * longer accepted or closed before taking a request. Each request carries its own X-Request-Id, and
 * the server's request log must match what the clients saw: every request it logged was answered,
 * and none that failed at the connection was logged, so a dropped answer cannot pass for a request
 * never taken.
 */
class SigtermIT {
    private static final int CLIENTS = 4;
    private static final long EXIT_BOUND_SECONDS = 20;
    private static final Pattern REQUEST_LOG = Pattern.compile(
            "http\\.request - (\\S+) (\\S+) (\\d{3}) \\S+ tenant=\\S+ request_id=(sigterm-\\S+)");

    private record Outcome(String requestId, Http.Reply reply, Throwable error) {
    }

    @Test
    void sigtermFinishesInFlightRequestsAndExitsZero(@TempDir Path dataDir) throws Exception {
        // No per-key limit: the clients mint as fast as the server answers, and what is checked is the
        // shutdown (a fast server otherwise answers some of them 429 before the signal).
        Map<String, String> env = Map.of("PORTAL_RATE_LIMIT_PER_SECOND", "0");
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
                String client = "sigterm-" + i + "-";
                loops.add(clients.submit(() -> {
                    for (int n = 0; running.get(); n++) {
                        String requestId = client + n;
                        try {
                            Http.Reply reply = http.post("/api/v1/customers/" + customer + "/portal-token",
                                    Map.of("Authorization", "Bearer " + key, "X-Request-Id", requestId),
                                    "{\"expires_in_seconds\": 600}", "application/json");
                            outcomes.add(new Outcome(requestId, reply, null));
                            okBeforeSignal.incrementAndGet();
                        } catch (UncheckedIOException e) {
                            outcomes.add(new Outcome(requestId, null, e.getCause()));
                            pause();
                        } catch (Throwable e) {
                            outcomes.add(new Outcome(requestId, null, e));
                            pause();
                        }
                    }
                }));
            }
            Await.until(Duration.ofMinutes(2), "the load is running (50 mints)", () -> okBeforeSignal.get() >= 50);

            // A request in flight across the signal: headers and half the body now, the rest after SIGTERM.
            CountDownLatch halfSent = new CountDownLatch(1);
            CountDownLatch signalled = new CountDownLatch(1);
            Future<Http.Reply> slow = clients.submit(() -> slowRequest(probe, base, key, customer, halfSent, signalled));
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
            Http.Reply slowAnswer = slow.get(30, TimeUnit.SECONDS);
            clients.shutdownNow();

            assertTrue(exited, "the server exits within " + EXIT_BOUND_SECONDS + " s of SIGTERM");
            assertEquals(0, server.process().exitValue(), "exit status after SIGTERM");
            System.out.printf("SIGTERM: exit 0 after %.1f s; %d answers, %d connection errors%n", exitSeconds,
                    outcomes.stream().filter(o -> o.reply() != null).count(),
                    outcomes.stream().filter(o -> o.error() != null).count());

            assertEquals(200, slowAnswer.status(), () -> "the request in flight at SIGTERM was finished: " + slowAnswer);
            String slowToken = slowAnswer.json().get("token").asText();
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
            assertTrue(violations.isEmpty(), () -> violations.size() + " requests failed otherwise than by a refused or"
                    + " reset connection; the first: " + violations.get(0));

            Map<String, Integer> logged = new HashMap<>();
            Matcher line = REQUEST_LOG.matcher(server.output());
            while (line.find()) {
                assertEquals(null, logged.put(line.group(4), Integer.parseInt(line.group(3))), "logged once: " + line.group());
            }
            assertEquals(200, logged.get("sigterm-slow"), "the slow request was logged as answered");
            List<String> dropped = new ArrayList<>();
            List<String> refusedButTaken = new ArrayList<>();
            for (Outcome outcome : outcomes) {
                Integer status = logged.remove(outcome.requestId());
                if (outcome.reply() != null) {
                    assertEquals(200, status, "the server logged the answer " + outcome.requestId() + " got");
                } else if (status != null) {
                    refusedButTaken.add(outcome.requestId() + " (logged " + status + "): " + outcome.error());
                }
            }
            logged.remove("sigterm-slow");
            dropped.addAll(logged.keySet());
            System.out.printf("SIGTERM: the request log matches the clients: %d answers, %d never taken%n", ok,
                    outcomes.stream().filter(o -> o.error() != null).count());
            assertTrue(dropped.isEmpty(), "requests the server logged as answered that no client received: " + dropped);
            assertTrue(refusedButTaken.isEmpty(), "connections that failed although the server took and answered the"
                    + " request: " + refusedButTaken);
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

    /** Sends half a request, and the rest after SIGTERM; returns the answer, checked like every other. */
    private static Http.Reply slowRequest(Http probe, URI base, String key, String customer, CountDownLatch halfSent,
                                          CountDownLatch signalled) {
        String body = "{\"expires_in_seconds\": 900}";
        String head = "POST /api/v1/customers/" + customer + "/portal-token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + key + "\r\nX-Request-Id: sigterm-slow\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n";
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
            return probe.checkRaw((head + body).getBytes(StandardCharsets.UTF_8), in.readAllBytes());
        } catch (IOException e) {
            throw new AssertionError("the slow request got no answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
