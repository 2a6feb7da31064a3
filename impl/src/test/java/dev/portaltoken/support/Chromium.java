package dev.portaltoken.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/**
 * Headless Chromium (Debian's {@code chromium}, which {@code .ci/run} installs) loading a page the way a
 * person's browser does: scripts, fetches, WebCrypto and the server's Content-Security-Policy all real.
 * Each load is a fresh browser profile. Pages run in virtual time: timers and {@code Date.now()}
 * advance by the given budget as fast as the page lets them, so a countdown can be watched for a
 * minute in a few seconds. Every load and screenshot fails when the page's console shows a
 * Content-Security-Policy violation or an uncaught error. A test without the browser is skipped (a
 * JUnit assumption), never passed; where the browser is required ({@value #REQUIRED}, which CI sets
 * through {@code CHROMIUM_REQUIRED=true}) it fails instead.
 */
public final class Chromium {
    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    /** Chromium logs the page's console as {@code INFO:CONSOLE(...)] "message", source: url (line)}. */
    private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[^\\]]*\\] \"(.*)\", source: ");
    /** The system property that makes a missing browser a failure (impl/pom.xml sets it from {@code chromium.required}). */
    public static final String REQUIRED = "portal.chromium.required";

    private final Path executable;

    private Chromium(Path executable) {
        this.executable = executable;
    }

    /**
     * The installed browser ({@code CHROMIUM} names another executable); without one the calling
     * test is skipped, or fails when the browser is required.
     */
    public static Chromium require() {
        Optional<Path> found = find();
        if (found.isEmpty() && Boolean.getBoolean(REQUIRED)) {
            throw new AssertionError("no headless Chromium installed, and the browser tests are required ("
                    + REQUIRED + "=true; CHROMIUM_REQUIRED=true sets it): apt-get install chromium");
        }
        assumeTrue(found.isPresent(), "no headless Chromium installed (apt-get install chromium; .ci/run does)");
        return new Chromium(found.get());
    }

    private static Optional<Path> find() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin");
        return Stream.of(path.split(":")).flatMap(dir -> NAMES.stream().map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable).findFirst();
    }

    /** A rendered page: its DOM after the scripts ran, and what it logged on its console. */
    public record Page(Document dom, List<String> console) {
        /** The text of the element with this id; fails when there is none. */
        public String text(String id) {
            var element = dom.getElementById(id);
            if (element == null) {
                throw new AssertionError("no element #" + id + " in:\n" + Redact.shown(dom.outerHtml(), 3000));
            }
            return element.text();
        }

        /** The page's HTML and console, credentials masked, for failure messages. */
        @Override
        public String toString() {
            return Redact.shown(dom.outerHtml(), 4000) + "\nconsole: " + console.stream().map(Redact::mask).toList();
        }

        /** Console lines reporting a Content-Security-Policy violation or an uncaught error. */
        public List<String> problems() {
            return problems(console);
        }

        private static List<String> problems(List<String> console) {
            return console.stream()
                    .filter(line -> line.contains("Content Security Policy") || line.startsWith("Uncaught"))
                    .map(Redact::mask)
                    .toList();
        }
    }

    /** The browser's executable, for drivers that start it themselves ({@link BrowserTab}). */
    public Path executable() {
        return executable;
    }

    /**
     * Loads {@code url} and lets the page run for {@code virtualTime}.
     *
     * @throws AssertionError when the console shows a CSP violation or an uncaught error
     */
    public Page load(URI url, Duration virtualTime) {
        Output output = run(url, List.of("--dump-dom", "--virtual-time-budget=" + virtualTime.toMillis(), url.toString()));
        return new Page(Jsoup.parse(output.stdout(), url.toString()), output.console());
    }

    /**
     * Saves a PNG of {@code url} as a {@code width} x {@code height} window shows it after {@code virtualTime}.
     *
     * @throws AssertionError when the console shows a CSP violation or an uncaught error
     */
    public void screenshot(URI url, Path png, int width, int height, Duration virtualTime) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run(url, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--virtual-time-budget=" + virtualTime.toMillis(), url.toString()));
    }

    /** What the browser printed, and the page's console lines (from its log on stderr). */
    private record Output(String stdout, String stderr, List<String> console) {
        static Output of(String stdout, String stderr) {
            List<String> console = new ArrayList<>();
            for (String line : stderr.split("\n")) {
                Matcher m = CONSOLE.matcher(line);
                if (m.find()) {
                    console.add(m.group(1));
                }
            }
            return new Output(stdout, stderr, List.copyOf(console));
        }
    }

    private Output run(URI url, List<String> args) {
        Path profile = null;
        try {
            // Short: Chromium puts its singleton socket under TMPDIR, and a Unix socket path has at most 107 bytes.
            profile = Files.createTempDirectory("cr");
            List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0",
                    "--user-data-dir=" + profile.resolve("profile")));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command);
            // Chromium's own temporary files (org.chromium.Chromium.*) go beside the profile, deleted with it.
            builder.environment().put("TMPDIR", profile.toString());
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            boolean finished = process.waitFor(2, TimeUnit.MINUTES);
            BrowserTab.end(process);
            if (!finished) {
                throw new AssertionError("chromium did not finish within 2 minutes");
            }
            Output output = Output.of(out.join(), err.join());
            if (process.exitValue() != 0) {
                throw new AssertionError("chromium exited " + process.exitValue() + ":\n" + Redact.mask(output.stderr()));
            }
            List<String> problems = Page.problems(output.console());
            if (!problems.isEmpty()) {
                throw new AssertionError("CSP violations or uncaught errors on " + Redact.mask(url.toString()) + ": "
                        + problems);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            delete(profile);
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }
}
