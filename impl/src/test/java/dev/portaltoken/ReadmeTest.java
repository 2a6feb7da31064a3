package dev.portaltoken;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portaltoken.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's configuration reference cannot fall behind the settings the server reads. */
class ReadmeTest {

    /** The README's table is exactly the rows the settings generate, in their order: one source of truth. */
    @Test
    void theConfigurationTableIsGeneratedFromTheSettings() throws Exception {
        List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
        int header = readme.indexOf("| Environment | File key | Default | Meaning |");
        List<String> table = readme.subList(header + 2, readme.size()).stream()
                .takeWhile(line -> line.startsWith("| `")).toList();
        List<String> expected = Setting.values().stream().map(Setting::readmeRow).toList();
        assertEquals(String.join("\n", expected), String.join("\n", table),
                "README.md's configuration table must be these rows (Setting is the source; paste them in)");
    }
}
