package dev.portaltoken.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The overlay applier follows the Overlay Specification 1.0.0, and refuses what it cannot apply. */
class OverlayTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String DOCUMENT = """
            info: {title: t, version: '1'}
            paths:
              /a: {get: {summary: a, tags: [x]}}
              /b: {get: {summary: b, tags: [y, z]}}
            components: {schemas: {S: {type: object, required: [one], properties: {one: {type: string}}}}}
            """;

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    private static JsonNode apply(String actions) throws Exception {
        return Overlay.apply(yaml(DOCUMENT), yaml("overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n" + actions));
    }

    @Test
    void anUpdateMergesObjectsRecursivelyAndReplacesOtherMembers() throws Exception {
        JsonNode result = apply("""
                  - target: $.components.schemas.S
                    update:
                      description: added
                      type: object
                      properties: {two: {type: integer}}
                """);
        JsonNode s = result.at("/components/schemas/S");
        assertEquals("added", s.path("description").asText());
        assertEquals("string", s.at("/properties/one/type").asText(), "the existing property is kept");
        assertEquals("integer", s.at("/properties/two/type").asText(), "the new one is merged in");
        assertEquals(yaml("[one]"), s.path("required"));
    }

    @Test
    void anUpdateOfAnArrayAppendsOneEntry() throws Exception {
        JsonNode result = apply("""
                  - target: $.components.schemas.S.required
                    update: two
                  - target: $.components.schemas.S.required
                    update: three
                """);
        assertEquals(yaml("[one, two, three]"), result.at("/components/schemas/S/required"));
    }

    @Test
    void aTargetSelectingSeveralNodesUpdatesEach() throws Exception {
        JsonNode result = apply("""
                  - target: $.paths.*.get
                    update: {deprecated: true}
                """);
        assertTrue(result.at("/paths/~1a/get/deprecated").asBoolean());
        assertTrue(result.at("/paths/~1b/get/deprecated").asBoolean());
    }

    @Test
    void removeRemovesEverySelectedNode() throws Exception {
        JsonNode result = apply("""
                  - target: $.paths['/b'].get.tags[*]
                    remove: true
                  - target: $.paths['/a']
                    remove: true
                """);
        assertTrue(result.at("/paths/~1a").isMissingNode());
        assertEquals(0, result.at("/paths/~1b/get/tags").size(), "both elements, not every other one");
    }

    @Test
    void theGivenDocumentIsNotChanged() throws Exception {
        JsonNode document = yaml(DOCUMENT);
        Overlay.apply(document, yaml("""
                overlay: 1.0.0
                info: {title: o, version: '1'}
                actions: [{target: $.info, update: {title: changed}}]
                """));
        assertEquals(yaml(DOCUMENT), document);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a target that selects nothing|[{target: '$.components.schemas.Missing', update: {a: 1}}]|selects nothing",
            "an invalid JSONPath|[{target: '$.paths[?(@.x ==', update: {a: 1}}]|not a valid JSONPath",
            "a target that is not JSONPath|[{target: 'paths', update: {a: 1}}]|starting with $",
            "neither update nor remove|[{target: '$.info'}]|neither update nor remove",
            "an unknown field|[{target: '$.info', update: {a: 1}, replace: true}]|unknown field 'replace'",
            "an update of a string|[{target: '$.info.title', update: x}]|neither an object nor an array",
            "a non-object update of an object|[{target: '$.info', update: [1]}]|the update is not",
            "no actions|[]|non-empty array",
    })
    void whatCannotBeAppliedIsRefused(String what, String actions, String message) throws Exception {
        Overlay.InvalidOverlay e = assertThrows(Overlay.InvalidOverlay.class, () -> Overlay.apply(yaml(DOCUMENT),
                yaml("overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions: " + actions)));
        assertTrue(e.getMessage().contains(message), what + ": " + e.getMessage());
    }

    @Test
    void onlyOverlay10IsApplied() throws Exception {
        Overlay.InvalidOverlay e = assertThrows(Overlay.InvalidOverlay.class, () -> Overlay.apply(yaml(DOCUMENT),
                yaml("overlay: 1.1.0\ninfo: {title: o, version: '1'}\nactions: [{target: $.info, update: {a: 1}}]")));
        assertTrue(e.getMessage().contains("not an Overlay 1.0.x document"), e.getMessage());
        assertThrows(Overlay.InvalidOverlay.class, () -> Overlay.apply(yaml(DOCUMENT),
                yaml("overlay: 1.0.0\ninfo: {title: o}\nactions: [{target: $.info, update: {a: 1}}]")));
    }
}
