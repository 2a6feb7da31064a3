package dev.portaltoken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Our code is under the Apache License 2.0; the vendored contract keeps Meteroid's terms, which NOTICE states. */
class LicenseTest {
    private static final Path ROOT = Path.of("..");
    /** SHA-256 of the Apache License 2.0 as the ASF publishes it (https://www.apache.org/licenses/LICENSE-2.0.txt). */
    private static final String APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30";

    @Test
    void licenseIsTheApacheLicenseUnchanged() throws Exception {
        byte[] license = Files.readAllBytes(ROOT.resolve("LICENSE"));
        assertEquals(APACHE_2_SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(license)));
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        assertTrue(pom.contains("<name>Apache-2.0</name>"), "the parent pom, which the installed clients inherit, names it");
    }

    @Test
    void noticeNamesTheVendoredContractItsOriginAndTheTermsItDeclares() throws Exception {
        String notice = Files.readString(ROOT.resolve("NOTICE"), StandardCharsets.UTF_8);
        String declared = new ObjectMapper(new YAMLFactory())
                .readTree(ROOT.resolve("openapi/meteroid-portal-token.openapi.yaml").toFile())
                .at("/info/license/identifier").asText();
        assertEquals("LicenseRef-Proprietary", declared, "the vendored file changed its terms: update NOTICE");
        for (String expected : new String[] {"openapi/meteroid-portal-token.openapi.yaml", declared,
                "https://api.meteroid.com/api-docs/openapi.json", "github.com/meteroid-oss/meteroid", "AGPL-3.0-only",
                "not covered by LICENSE"}) {
            assertTrue(notice.contains(expected), "NOTICE names " + expected);
        }
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertTrue(readme.contains("](LICENSE)") && readme.contains("](NOTICE)"), "the README links both");
    }
}
