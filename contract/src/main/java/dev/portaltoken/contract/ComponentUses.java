package dev.portaltoken.contract;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portaltoken.contract.AdditionsOnly.Use;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Where each component schema of a contract is used: in what clients send (through a parameter or
 * a request body), in what they are answered (through a response), or both, following
 * {@code $ref}s from the operations through the schemas. Stateless.
 */
final class ComponentUses {
    private static final String PREFIX = "#/components/schemas/";

    private ComponentUses() {
    }

    /** The uses of every component schema some operation reaches; unreached ones are absent. */
    static Map<String, Set<Use>> of(JsonNode contract) {
        Map<String, Set<Use>> uses = new HashMap<>();
        walk(contract.path("paths"), EnumSet.noneOf(Use.class), contract, uses);
        for (Iterator<Map.Entry<String, JsonNode>> it = contract.path("components").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> kind = it.next();
            if (!kind.getKey().equals("schemas")) {
                walk(kind.getValue(), use(kind.getKey(), EnumSet.noneOf(Use.class)), contract, uses);
            }
        }
        return uses;
    }

    /** What members under {@code name} are used for, given what its parent is used for. */
    static Set<Use> use(String name, Set<Use> parent) {
        return switch (name) {
            case "parameters", "requestBody", "requestBodies" -> EnumSet.of(Use.REQUEST);
            case "responses" -> EnumSet.of(Use.RESPONSE);
            default -> parent;
        };
    }

    private static void walk(JsonNode node, Set<Use> uses, JsonNode contract, Map<String, Set<Use>> found) {
        if (node.isArray()) {
            node.forEach(entry -> walk(entry, uses, contract, found));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> member = it.next();
            String ref = member.getValue().asText("");
            if (member.getKey().equals("$ref") && ref.startsWith(PREFIX) && !uses.isEmpty()) {
                String name = ref.substring(PREFIX.length());
                Set<Use> known = found.computeIfAbsent(name, n -> EnumSet.noneOf(Use.class));
                if (!known.containsAll(uses)) {
                    known.addAll(uses);
                    walk(contract.path("components").path("schemas").path(name), uses, contract, found);
                }
            } else {
                walk(member.getValue(), use(member.getKey(), uses), contract, found);
            }
        }
    }
}
