package dev.portaltoken.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.Jsoup;

/**
 * One tab of headless Chromium driven over the DevTools protocol, for what a single page load cannot
 * show: several navigations in the same tab, which keep its {@code sessionStorage}. Real time, not
 * virtual time. Console errors, uncaught exceptions and Content-Security-Policy violations are
 * collected as {@link #problems()}. Close it to end the browser and delete its profile.
 */
public final class BrowserTab implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process browser;
    private final Path profile;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final String session;

    private BrowserTab(Process browser, Path profile, URI endpoint) throws Exception {
        this.browser = browser;
        this.profile = profile;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(endpoint, new Listener())
                .get(30, TimeUnit.SECONDS);
        String target = call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId").asText();
        this.session = call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId").asText();
        for (String domain : List.of("Page", "Runtime", "Log")) {
            call(session, domain + ".enable", Map.of());
        }
    }

    /** A fresh browser (its own empty profile) with one blank tab. */
    public static BrowserTab open(Chromium chromium) {
        Path profile = null;
        Process browser = null;
        try {
            // Short: Chromium puts its singleton socket under TMPDIR, and a Unix socket path has at most 107 bytes.
            profile = Files.createTempDirectory("cr");
            ProcessBuilder command = new ProcessBuilder(chromium.executable().toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--remote-debugging-port=0",
                    "--user-data-dir=" + profile.resolve("profile"), "about:blank").redirectOutput(ProcessBuilder.Redirect.DISCARD);
            // Chromium's own temporary files (org.chromium.Chromium.*) go beside the profile, deleted with it.
            command.environment().put("TMPDIR", profile.toString());
            browser = command.start();
            BufferedReader stderr = new BufferedReader(new InputStreamReader(browser.getErrorStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = stderr.readLine()) != null) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    Process started = browser;
                    Thread drain = new Thread(() -> {
                        try {
                            started.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
                        } catch (IOException e) {
                            // the browser ended
                        }
                    }, "chromium-stderr");
                    drain.setDaemon(true);
                    drain.start();
                    return new BrowserTab(browser, profile, URI.create(m.group(1)));
                }
            }
            throw new AssertionError("chromium ended before it listened for DevTools");
        } catch (Exception e) {
            if (browser != null) {
                end(browser);
            }
            delete(profile);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError("could not drive chromium", e);
        }
    }

    /** Navigates the tab to {@code url}, then waits until {@code settled} holds of the page (a JavaScript expression). */
    public void navigate(URI url, String settled, Duration timeout) {
        evaluate("window.__leaving = true"); // the page being left must not answer for the new one
        call(session, "Page.navigate", Map.of("url", url.toString()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!evaluate("!window.__leaving && (" + settled + ")").asBoolean(false)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page at " + Redact.mask(url.toString()) + " did not settle on " + settled);
            }
            sleep(50);
        }
    }

    /** The page's DOM now. */
    public org.jsoup.nodes.Document dom() {
        return Jsoup.parse(evaluate("document.documentElement.outerHTML").asText());
    }

    /** The value of a JavaScript expression on the page (returned by value). */
    public JsonNode evaluate(String expression) {
        JsonNode result = call(session, "Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        return result.path("result").path("value");
    }

    /** Console errors, uncaught exceptions and CSP violations seen so far, credentials masked. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private JsonNode call(String sessionId, String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(message.toString(), true).join();
        JsonNode reply;
        try {
            reply = answer.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(method + " did not answer", e);
        }
        if (reply.has("error")) {
            throw new AssertionError(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    private void event(JsonNode message) {
        String method = message.path("method").asText();
        JsonNode params = message.path("params");
        String problem = switch (method) {
            case "Runtime.exceptionThrown" -> "Uncaught " + params.path("exceptionDetails").path("exception")
                    .path("description").asText(params.path("exceptionDetails").path("text").asText());
            case "Runtime.consoleAPICalled" -> params.path("type").asText().equals("error")
                    ? "console.error " + params.path("args").toString() : "";
            case "Log.entryAdded" -> params.path("entry").path("level").asText().equals("error")
                    || params.path("entry").path("text").asText().contains("Content Security Policy")
                    ? params.path("entry").path("text").asText() : "";
            default -> "";
        };
        if (!problem.isEmpty()) {
            problems.add(Redact.mask(problem));
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
                        if (answer != null) {
                            answer.complete(message);
                        }
                    } else {
                        event(message);
                    }
                } catch (IOException e) {
                    problems.add("unreadable DevTools message");
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() {
        try {
            socket.sendText(JSON.createObjectNode().put("id", ids.incrementAndGet()).put("method", "Browser.close")
                    .toString(), true).get(5, TimeUnit.SECONDS);
            browser.waitFor(10, TimeUnit.SECONDS); // a browser that closes itself removes what it made
        } catch (Exception e) {
            // ended below regardless
        }
        socket.abort();
        end(browser);
        delete(profile);
    }

    /** Ends the browser and every process it started (renderers, zygote), and waits for them. */
    static void end(Process browser) {
        List<ProcessHandle> all = new java.util.ArrayList<>(browser.descendants().toList());
        all.add(browser.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // gone, or beyond our reach
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
