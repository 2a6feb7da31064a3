package dev.portaltoken.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser tests' own check: a page whose console shows a Content-Security-Policy violation or
 * an uncaught error (thrown, or a rejected promise) fails the load and the screenshot, and a clean
 * page does not. Local files, each with its own policy in a meta element.
 */
class ChromiumTest {
    private static final Duration SETTLE = Duration.ofSeconds(2);

    private static Path page(Path dir, String name, String head, String script) throws Exception {
        return Files.writeString(dir.resolve(name), "<!doctype html><html><head>" + head + "</head><body><p id=\"p\">"
                + "static</p><script>" + script + "</script></body></html>");
    }

    @Test
    void aCleanPageLoadsWithItsScriptRun(@TempDir Path dir) throws Exception {
        Chromium.Page page = Chromium.require().load(page(dir, "clean.html", "",
                "document.getElementById('p').textContent = 'ran'").toUri(), SETTLE);
        assertEquals("ran", page.text("p"));
        assertEquals(java.util.List.of(), page.problems());
    }

    @Test
    void aContentSecurityPolicyViolationFailsTheLoadAndTheScreenshot(@TempDir Path dir) throws Exception {
        Path blocked = page(dir, "csp.html", "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'none'\">",
                "document.getElementById('p').textContent = 'ran'");
        Chromium chromium = Chromium.require();
        AssertionError load = assertThrows(AssertionError.class, () -> chromium.load(blocked.toUri(), SETTLE));
        assertTrue(load.getMessage().contains("Content Security Policy"), load.getMessage());
        AssertionError shot = assertThrows(AssertionError.class,
                () -> chromium.screenshot(blocked.toUri(), dir.resolve("csp.png"), 200, 100, SETTLE));
        assertTrue(shot.getMessage().contains("Content Security Policy"), shot.getMessage());
    }

    @Test
    void anUncaughtErrorOrRejectedPromiseFailsTheLoad(@TempDir Path dir) throws Exception {
        Chromium chromium = Chromium.require();
        AssertionError thrown = assertThrows(AssertionError.class,
                () -> chromium.load(page(dir, "thrown.html", "", "throw new Error('boom')").toUri(), SETTLE));
        assertTrue(thrown.getMessage().contains("Uncaught Error: boom"), thrown.getMessage());
        AssertionError rejected = assertThrows(AssertionError.class, () -> chromium.load(page(dir, "rejected.html", "",
                "Promise.reject(new Error('later'))").toUri(), SETTLE));
        assertTrue(rejected.getMessage().contains("Uncaught (in promise) Error: later"), rejected.getMessage());
    }
}
