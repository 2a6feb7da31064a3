package dev.portaltoken;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portaltoken.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration reference cannot fall behind the settings the server reads. */
class ReadmeTest {

    @Test
    void everySettingIsDocumentedWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Setting setting : Setting.values()) {
            String row = readme.lines().filter(l -> l.startsWith("| `" + setting.env() + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError("README has no row for " + setting.env()));
            assertTrue(row.contains("`" + setting.key() + "`"), "file key of " + setting.env() + ": " + row);
            if (setting.defaultValue() != null) {
                assertTrue(row.contains("`" + setting.defaultValue() + "`"), "default of " + setting.env() + ": " + row);
            }
        }
    }
}
