package dev.portaltoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README cannot fall behind the settings the server reads, the build, CI and the pages it shows. */
class ReadmeTest {

    /** docs/configuration.md's table is exactly the rows the settings generate, in their order: one source of truth. */
    @Test
    void theConfigurationTableIsGeneratedFromTheSettings() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("..", "docs", "configuration.md"));
        int header = readme.indexOf("| Environment | File key | Default | Meaning |");
        List<String> table = readme.subList(header + 2, readme.size()).stream()
                .takeWhile(line -> line.startsWith("| `")).toList();
        List<String> expected = Setting.values().stream().map(Setting::readmeRow).toList();
        assertEquals(String.join("\n", expected), String.join("\n", table),
                "docs/configuration.md's table must be these rows (Setting is the source; paste them in)");
    }

    /** The code block right after a heading line. */
    private static List<String> codeBlockAfter(List<String> lines, String heading) {
        int at = lines.indexOf(heading);
        assertTrue(at >= 0, heading);
        int open = at + 1;
        while (!lines.get(open).startsWith("```")) {
            open++;
        }
        int close = open + 1;
        while (!lines.get(close).startsWith("```")) {
            close++;
        }
        return lines.subList(open + 1, close);
    }

    /** A newcomer's whole setup: one line to build and try it, one to test, and CI runs that same one. */
    @Test
    void oneCommandBuildsAndTriesItOneRunsEveryTestAndCiRunsThatCommand() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        assertEquals(List.of("mvn -B -q package -DskipTests && java -jar impl/target/portal-token-server.jar serve --demo"),
                codeBlockAfter(readme, "## Try it"));
        assertEquals(List.of("mvn -B verify"), codeBlockAfter(readme, "## Run the tests"));
        List<String> ci = Files.readAllLines(Path.of("..", ".ci", "run")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals(List.of("mvn -B verify"), ci.stream().filter(l -> l.contains("mvn") || l.contains("npm"))
                        .map(l -> l.replaceFirst(" \\|\\| \\{ show_failed_reports; exit 1; }$", "")).toList(),
                ".ci/run runs the README's test command (printing failed reports when it fails) and no other build"
                        + " or test step");
        assertTrue(ci.contains("DEBIAN_FRONTEND=noninteractive apt-get install -y chromium"),
                ".ci/run installs Chromium for the browser tests: " + ci);
        assertTrue(ci.indexOf("export CHROMIUM_REQUIRED=true") >= 0
                        && ci.indexOf("export CHROMIUM_REQUIRED=true") < ci.indexOf("mvn -B verify || { show_failed_reports; exit 1; }"),
                ".ci/run requires the browser tests (a missing Chromium fails them rather than skipping them): " + ci);
    }

    /**
     * docs/testing.md's inner loop starts with {@code install -DskipTests}: it must skip the jar tests
     * too, which failsafe 3.6 no longer does by itself (it reads only {@code -DskipITs}).
     */
    @Test
    void skipTestsSkipsTheJarTestsAndTheLogScanToo() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        java.util.regex.Matcher profile = java.util.regex.Pattern.compile(
                "<id>skip-tests</id>\\s*<activation>\\s*<property>\\s*<name>skipTests</name>.*?<properties>(.*?)</properties>",
                java.util.regex.Pattern.DOTALL).matcher(pom);
        assertTrue(profile.find(), "impl/pom.xml has a profile activated by -DskipTests");
        for (String property : List.of("<skipITs>true</skipITs>", "<log.scan.skip>true</log.scan.skip>",
                "<typescript.test.skip>true</typescript.test.skip>")) {
            assertTrue(profile.group(1).contains(property), "the skip-tests profile sets " + property);
        }
        assertTrue(Files.readString(Path.of("..", "docs", "testing.md")).contains("mvn -B -q install -DskipTests "),
                "docs/testing.md's inner loop, which this keeps quick");
    }

    /** The README shows the portal page, from the screenshot the browser test takes. */
    @Test
    void theReadmeShowsThePortalPage() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertTrue(readme.contains("](docs/images/portal-page.png)"), "README shows docs/images/portal-page.png");
        for (String png : List.of("portal-page.png", "docs-page.png")) {
            byte[] bytes = Files.readAllBytes(Path.of("..", "docs", "images", png));
            assertEquals("\u0089PNG", new String(bytes, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1), png);
        }
    }
}
