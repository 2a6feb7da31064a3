package dev.portaltoken.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies an OpenAPI Overlay 1.0 document to a JSON/YAML tree, as the Overlay Specification 1.0.0
 * says: the actions in order, each {@code target} a JSONPath expression (Jayway JsonPath); an
 * {@code update} is merged into each selected object (members of the update replace members of the
 * same name, except that an object merges into an object recursively) or appended, as one entry, to
 * each selected array; {@code remove: true} removes each selected node from its parent.
 *
 * <p>Stricter than the specification in one way, because this runs in a build: an action whose
 * target selects nothing fails (the specification lets it succeed silently), so an overlay that no
 * longer matches the document it extends is noticed. Stateless; the given document is not changed.
 */
public final class Overlay {
    private static final Set<String> ACTION_FIELDS = Set.of("target", "description", "update", "remove");
    private static final Configuration PATHS = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.AS_PATH_LIST, Option.ALWAYS_RETURN_LIST, Option.SUPPRESS_EXCEPTIONS)
            .build();
    private static final Configuration NODES = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .build();

    private Overlay() {
    }

    /** The overlay document is not one this applies: the message says where. */
    public static final class InvalidOverlay extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidOverlay(String message) {
            super(message);
        }
    }

    /**
     * @return a new tree: {@code document} with the overlay's actions applied
     * @throws InvalidOverlay for an overlay that is not Overlay 1.0.x, an action that is neither an
     *                        update nor a removal, a bad JSONPath, a target that selects nothing or
     *                        an update of something that is neither an object nor an array
     */
    public static JsonNode apply(JsonNode document, JsonNode overlay) {
        if (!overlay.path("overlay").asText().matches("1\\.0\\.\\d+")) {
            throw new InvalidOverlay("not an Overlay 1.0.x document (overlay: " + overlay.path("overlay") + ")");
        }
        if (!overlay.path("info").path("title").isTextual() || !overlay.path("info").path("version").isTextual()) {
            throw new InvalidOverlay("info.title and info.version are required");
        }
        JsonNode actions = overlay.path("actions");
        if (!actions.isArray() || actions.isEmpty()) {
            throw new InvalidOverlay("actions must be a non-empty array");
        }
        JsonNode result = document.deepCopy();
        for (int i = 0; i < actions.size(); i++) {
            result = applyAction(result, actions.get(i), "actions[" + i + "]");
        }
        return result;
    }

    private static JsonNode applyAction(JsonNode document, JsonNode action, String where) {
        Iterator<String> fields = action.fieldNames();
        while (fields.hasNext()) {
            String field = fields.next();
            if (!ACTION_FIELDS.contains(field) && !field.startsWith("x-")) {
                throw new InvalidOverlay(where + ": unknown field '" + field + "'");
            }
        }
        String target = action.path("target").asText("");
        if (!target.startsWith("$")) {
            throw new InvalidOverlay(where + ": target must be a JSONPath expression starting with $");
        }
        boolean remove = action.path("remove").asBoolean(false);
        if (!remove && !action.has("update")) {
            throw new InvalidOverlay(where + " (" + target + "): neither update nor remove: true");
        }
        DocumentContext context = JsonPath.using(NODES).parse(document);
        List<String> paths = selected(document, target, where);
        if (remove) {
            // Last first, so removing an array element does not shift the ones still to remove.
            for (int i = paths.size() - 1; i >= 0; i--) {
                context.delete(paths.get(i));
            }
            return context.json();
        }
        for (String path : paths) {
            JsonNode node = context.read(path);
            if (node instanceof ObjectNode object && action.get("update").isObject()) {
                merge(object, (ObjectNode) action.get("update"));
            } else if (node instanceof ArrayNode array) {
                array.add(action.get("update").deepCopy());
            } else {
                throw new InvalidOverlay(where + " (" + target + "): " + path + " is "
                        + (node.isObject() ? "an object, but the update is not" : "neither an object nor an array"));
            }
        }
        return context.json();
    }

    /** The normalized paths the target selects, in document order; never empty. */
    private static List<String> selected(JsonNode document, String target, String where) {
        List<String> paths;
        try {
            paths = new ArrayList<>();
            for (JsonNode path : (ArrayNode) JsonPath.using(PATHS).parse(document).read(JsonPath.compile(target))) {
                paths.add(path.asText());
            }
        } catch (InvalidPathException e) {
            throw new InvalidOverlay(where + ": target " + target + " is not a valid JSONPath: " + e.getMessage());
        }
        if (paths.isEmpty()) {
            throw new InvalidOverlay(where + ": target " + target + " selects nothing in the document it extends");
        }
        return paths;
    }

    private static void merge(ObjectNode into, ObjectNode update) {
        for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            JsonNode existing = into.get(member.getKey());
            if (existing instanceof ObjectNode object && member.getValue() instanceof ObjectNode nested) {
                merge(object, nested);
            } else {
                into.set(member.getKey(), member.getValue().deepCopy());
            }
        }
    }
}
